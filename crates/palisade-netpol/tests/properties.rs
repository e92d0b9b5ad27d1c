//! Properties of the union semantics, on generated cluster states: the order of policies
//! does not matter; for a pod already isolated for ingress, adding an ingress policy only
//! ever adds allowed sources; for a pod no ingress policy selects, adding one only restricts.

use crate::common;

use common::{deployment as dep, namespace as ns, Cluster};
use proptest::prelude::*;

const APPS: [&str; 3] = ["a", "b", "c"];

fn pods() -> impl Strategy<Value = Vec<(usize, usize, bool)>> {
    proptest::collection::vec((0..2usize, 0..3usize, any::<bool>()), 2..6)
}

#[derive(Debug, Clone)]
struct Pol {
    ns: usize,
    select: Option<usize>,
    ingress: Vec<(u8, usize, Option<u16>)>,
    egress: Option<Vec<(u8, usize, Option<u16>)>>,
}

fn rule() -> impl Strategy<Value = (u8, usize, Option<u16>)> {
    (
        0..5u8,
        0..3usize,
        prop_oneof![Just(None), Just(Some(80)), Just(Some(443))],
    )
}

fn policies(with_egress: bool) -> impl Strategy<Value = Vec<Pol>> {
    let egress = if with_egress {
        proptest::option::of(proptest::collection::vec(rule(), 0..3)).boxed()
    } else {
        Just(None).boxed()
    };
    proptest::collection::vec(
        (
            0..2usize,
            proptest::option::of(0..3usize),
            proptest::collection::vec(rule(), 0..3),
            egress,
        )
            .prop_map(|(ns, select, ingress, egress)| Pol {
                ns,
                select,
                ingress,
                egress,
            }),
        1..5,
    )
}

fn peer_yaml((kind, app, port): &(u8, usize, Option<u16>)) -> String {
    let from = match kind {
        0 => String::new(),
        1 => format!(
            "[{{podSelector: {{matchLabels: {{app: {}}}}}}}]",
            APPS[*app]
        ),
        2 => format!(
            "[{{namespaceSelector: {{matchLabels: {{env: e{}}}}}}}]",
            app % 2
        ),
        3 => format!(
            "[{{namespaceSelector: {{}}, podSelector: {{matchLabels: {{app: {}}}}}}}]",
            APPS[*app]
        ),
        _ => "[{ipBlock: {cidr: 0.0.0.0/0}}]".into(),
    };
    let mut r = String::from("{");
    if !from.is_empty() {
        r.push_str(&format!("PEERS: {from}"));
    }
    if let Some(p) = port {
        if !from.is_empty() {
            r.push_str(", ");
        }
        r.push_str(&format!("ports: [{{port: {p}}}]"));
    }
    r.push('}');
    r
}

fn policy_yaml(i: usize, p: &Pol) -> String {
    let sel = match p.select {
        Some(a) => format!("{{matchLabels: {{app: {}}}}}", APPS[a]),
        None => "{}".into(),
    };
    let ingress: Vec<String> = p
        .ingress
        .iter()
        .map(|r| peer_yaml(r).replace("PEERS", "from"))
        .collect();
    let mut spec = format!(
        "  podSelector: {sel}\n  ingress: [{}]\n",
        ingress.join(", ")
    );
    let mut types = vec!["Ingress"];
    if let Some(e) = &p.egress {
        let egress: Vec<String> = e
            .iter()
            .map(|r| peer_yaml(r).replace("PEERS", "to"))
            .collect();
        spec.push_str(&format!("  egress: [{}]\n", egress.join(", ")));
        types.push("Egress");
    }
    spec.push_str(&format!("  policyTypes: [{}]\n", types.join(", ")));
    format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p{i}, namespace: n{}}}\nspec:\n{spec}---\n", p.ns)
}

fn state(pods: &[(usize, usize, bool)]) -> String {
    let mut s = ns("n0", "env=e0") + &ns("n1", "env=e1");
    for (i, (n, app, web)) in pods.iter().enumerate() {
        let ports: &[&str] = if *web { &["80", "443"] } else { &["443"] };
        s += &dep(
            &format!("n{n}"),
            &format!("w{i}"),
            &format!("app={}", APPS[*app]),
            ports,
        );
    }
    s
}

/// Allowed (src, dst, port) triples over every endpoint pair, for ports 80 and 443.
fn allowed(text: String) -> Vec<(String, String, u16)> {
    let c = Cluster::new(&[("g.yaml", text)]);
    assert!(c.model.errors.is_empty(), "{:?}", c.model.errors);
    let e = c.engine();
    let mut out = Vec::new();
    for s in 0..e.endpoints.len() {
        for d in 0..e.endpoints.len() {
            let ports = e.allowed(s, d);
            for port in [80, 443] {
                if ports.contains(palisade_netpol::Protocol::Tcp, port) {
                    out.push((e.endpoints[s].label(), e.endpoints[d].label(), port));
                }
            }
        }
    }
    out.sort();
    out
}

fn ingress_isolated(text: &str) -> Vec<String> {
    let c = Cluster::new(&[("g.yaml", text.to_string())]);
    let e = c.engine();
    (0..e.endpoints.len())
        .filter(|&i| {
            !e.policies_selecting(i, palisade_netpol::model::Direction::Ingress)
                .is_empty()
        })
        .map(|i| e.endpoints[i].label())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn union_of_policies_is_order_independent(pods in pods(), pols in policies(true), seed in any::<u64>()) {
        let base = state(&pods);
        let forward: String = pols.iter().enumerate().map(|(i, p)| policy_yaml(i, p)).collect();
        let mut order: Vec<usize> = (0..pols.len()).collect();
        let mut x = seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        let shuffled: String = order.iter().map(|&i| policy_yaml(i, &pols[i])).collect();
        prop_assert_eq!(allowed(base.clone() + &forward), allowed(base + &shuffled));
    }

    #[test]
    fn adding_an_ingress_policy_never_takes_from_an_isolated_pod_nor_gives_to_an_open_one(
        pods in pods(), pols in policies(false), extra in policies(false)
    ) {
        let base = state(&pods);
        let before_text = base.clone() + &pols.iter().enumerate().map(|(i, p)| policy_yaml(i, p)).collect::<String>();
        let after_text = before_text.clone() + &policy_yaml(99, &extra[0]);
        let isolated = ingress_isolated(&before_text);
        let before = allowed(before_text);
        let after = allowed(after_text);
        for t in &before {
            if isolated.contains(&t.1) {
                prop_assert!(after.contains(t), "{:?} was allowed into an isolated pod and got removed", t);
            }
        }
        for t in &after {
            if !isolated.contains(&t.1) {
                prop_assert!(before.contains(t), "{:?} became allowed into a pod that was open", t);
            }
        }
    }
}
