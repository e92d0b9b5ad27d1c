//! Every NetworkPolicy recipe of the corpus (ahmetb/kubernetes-network-policy-recipes) in
//! the cluster its write-up describes, with the connections the write-up says are allowed
//! or blocked.

use crate::common;

use std::fs;

use common::{deployment as dep, namespace as ns, Cluster};
use palisade_netpol::Protocol;

fn recipe(file: &str) -> Option<(String, String)> {
    let dir = palisade_testkit::corpus("k8s-networkpolicy-recipes/extracted")?;
    let path = dir.join(file);
    Some((
        file.to_string(),
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ))
}

fn cluster(state: String, recipes: &[&str]) -> Option<Cluster> {
    let mut texts = vec![("state.yaml".to_string(), state)];
    for r in recipes {
        texts.push(recipe(r)?);
    }
    let texts: Vec<(&str, String)> = texts.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let c = Cluster::new(&texts);
    assert!(c.model.errors.is_empty(), "{:?}", c.model.errors);
    assert_eq!(c.model.policies.len(), recipes.len());
    Some(c)
}

#[test]
fn r01_deny_all_traffic_to_an_application() {
    let state =
        dep("default", "web", "app=web", &["80"]) + &dep("default", "other", "app=other", &["80"]);
    let Some(c) = cluster(state, &["01-deny-all-traffic-to-an-application--1.yaml"]) else {
        return;
    };
    assert!(!c.can("default/other", "default/web", 80));
    assert!(!c.can("internet", "default/web", 80));
    assert!(
        c.can("default/web", "default/other", 80),
        "egress of web is not restricted"
    );
    assert!(c.can("default/web", "internet", 443));
}

#[test]
fn r02_limit_traffic_to_an_application() {
    let state = dep("default", "apiserver", "app=bookstore,role=api", &["8080"])
        + &dep("default", "frontend", "app=bookstore,role=frontend", &[])
        + &dep("default", "coffeeshop", "app=coffeeshop", &[]);
    let Some(c) = cluster(state, &["02-limit-traffic-to-an-application--1.yaml"]) else {
        return;
    };
    assert!(c.can("default/frontend", "default/apiserver", 8080));
    assert!(!c.can("default/coffeeshop", "default/apiserver", 8080));
    assert!(!c.can("default/*", "default/apiserver", 8080));
}

#[test]
fn r02a_allow_all_traffic_to_an_application_overrides_deny_all() {
    let state = ns("other", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("other", "client", "app=client", &[]);
    let Some(c) = cluster(
        state,
        &[
            "01-deny-all-traffic-to-an-application--1.yaml",
            "02a-allow-all-traffic-to-an-application--1.yaml",
        ],
    ) else {
        return;
    };
    assert!(c.can("default/*", "default/web", 80));
    assert!(c.can("other/client", "default/web", 80));
    assert!(c.can("internet", "default/web", 80));
}

#[test]
fn r03_deny_all_non_whitelisted_traffic_in_the_namespace() {
    let state = ns("foo", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("default", "db", "app=db", &["5432"])
        + &dep("foo", "client", "app=client", &["80"]);
    let Some(c) = cluster(
        state,
        &["03-deny-all-non-whitelisted-traffic-in-the-namespace--1.yaml"],
    ) else {
        return;
    };
    assert!(!c.can("default/db", "default/web", 80));
    assert!(!c.can("foo/client", "default/db", 5432));
    assert!(!c.can("internet", "default/web", 80));
    assert!(
        c.can("default/web", "foo/client", 80),
        "pods outside default are not affected"
    );
}

#[test]
fn r04_deny_traffic_from_other_namespaces() {
    let state = ns("foo", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("default", "peer", "app=peer", &[])
        + &dep("foo", "client", "app=client", &[]);
    let Some(c) = cluster(state, &["04-deny-traffic-from-other-namespaces--1.yaml"]) else {
        return;
    };
    assert!(c.can("default/peer", "default/web", 80));
    assert!(c.can("default/*", "default/web", 80));
    assert!(!c.can("foo/client", "default/web", 80));
    assert!(!c.can("foo/*", "default/web", 80));
    assert!(!c.can("internet", "default/web", 80));
}

#[test]
fn r05_allow_traffic_from_all_namespaces() {
    let state = ns("secondary", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("secondary", "client", "app=x", &[]);
    let Some(c) = cluster(state, &["05-allow-traffic-from-all-namespaces--1.yaml"]) else {
        return;
    };
    assert!(c.can("secondary/client", "default/web", 80));
    assert!(c.can("default/*", "default/web", 80));
    assert!(
        !c.can("internet", "default/web", 80),
        "namespaceSelector {{}} selects pods only"
    );
}

#[test]
fn r06_allow_traffic_from_a_namespace() {
    let state = ns("dev", "purpose=testing")
        + &ns("prod", "purpose=production")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("dev", "client", "app=c", &[])
        + &dep("prod", "client", "app=c", &[]);
    let Some(c) = cluster(state, &["06-allow-traffic-from-a-namespace--1.yaml"]) else {
        return;
    };
    assert!(c.can("prod/client", "default/web", 80));
    assert!(c.can("prod/*", "default/web", 80));
    assert!(!c.can("dev/client", "default/web", 80));
    assert!(!c.can("default/*", "default/web", 80));
}

#[test]
fn r07_allow_traffic_from_some_pods_in_another_namespace() {
    let state = ns("other", "team=operations")
        + &ns("plain", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("other", "monitor", "type=monitoring", &[])
        + &dep("other", "tool", "type=other", &[])
        + &dep("plain", "monitor", "type=monitoring", &[])
        + &dep("default", "monitor", "type=monitoring", &[]);
    let Some(c) = cluster(
        state,
        &["07-allow-traffic-from-some-pods-in-another-namespace--1.yaml"],
    ) else {
        return;
    };
    assert!(c.can("other/monitor", "default/web", 80));
    assert!(
        !c.can("other/tool", "default/web", 80),
        "both selectors must match"
    );
    assert!(!c.can("plain/monitor", "default/web", 80));
    assert!(!c.can("default/monitor", "default/web", 80));
}

#[test]
fn r08_allow_external_traffic() {
    let state =
        dep("default", "web", "app=web", &["80"]) + &dep("default", "other", "app=other", &[]);
    let Some(c) = cluster(state, &["08-allow-external-traffic--1.yaml"]) else {
        return;
    };
    assert!(c.can("internet", "default/web", 80));
    assert!(c.can("default/other", "default/web", 80));
}

#[test]
fn r09_allow_traffic_only_to_a_port() {
    let state = dep("default", "apiserver", "app=apiserver", &["5000", "8000"])
        + &dep("default", "prometheus", "role=monitoring", &[])
        + &dep("default", "client", "role=client", &[]);
    let Some(c) = cluster(state, &["09-allow-traffic-only-to-a-port--1.yaml"]) else {
        return;
    };
    assert!(c.can("default/prometheus", "default/apiserver", 5000));
    assert!(!c.can("default/prometheus", "default/apiserver", 8000));
    assert!(!c.can_proto(
        "default/prometheus",
        "default/apiserver",
        5000,
        Protocol::Udp
    ));
    assert!(!c.can("default/client", "default/apiserver", 5000));
}

#[test]
fn r10_allowing_traffic_with_multiple_selectors() {
    let state = dep("default", "db", "app=bookstore,role=db", &["6379"])
        + &dep("default", "search", "app=bookstore,role=search", &[])
        + &dep("default", "api", "app=bookstore,role=api", &[])
        + &dep("default", "inventory", "app=inventory,role=web", &[])
        + &dep("default", "shop", "app=bookstore,role=shop", &[]);
    let Some(c) = cluster(
        state,
        &["10-allowing-traffic-with-multiple-selectors--1.yaml"],
    ) else {
        return;
    };
    for from in ["default/search", "default/api", "default/inventory"] {
        assert!(c.can(from, "default/db", 6379), "{from}");
    }
    assert!(!c.can("default/shop", "default/db", 6379));
}

#[test]
fn r11_deny_egress_traffic_from_an_application() {
    let state = ns("kube-system", "")
        + &dep("default", "foo", "app=foo", &[])
        + &dep("default", "web", "app=web", &["80"])
        + &dep(
            "kube-system",
            "coredns",
            "k8s-app=kube-dns",
            &["dns:53/UDP", "dns-tcp:53"],
        );
    let Some(c) = cluster(
        state.clone(),
        &["11-deny-egress-traffic-from-an-application--1.yaml"],
    ) else {
        return;
    };
    assert!(!c.can("default/foo", "default/web", 80));
    assert!(!c.can_proto("default/foo", "kube-system/coredns", 53, Protocol::Udp));
    assert!(!c.can("default/foo", "internet", 443));
    assert!(
        c.can("default/web", "default/foo", 80),
        "ingress of foo is not restricted"
    );
    let Some(c) = cluster(
        state,
        &["11-deny-egress-traffic-from-an-application--2.yaml"],
    ) else {
        return;
    };
    assert!(c.can_proto("default/foo", "kube-system/coredns", 53, Protocol::Udp));
    assert!(c.can("default/foo", "kube-system/coredns", 53));
    assert!(!c.can("default/foo", "kube-system/coredns", 80));
    assert!(!c.can("default/foo", "default/web", 80));
    assert!(!c.can("default/foo", "internet", 443));
}

#[test]
fn r12_deny_all_non_whitelisted_traffic_from_the_namespace() {
    let state = ns("other", "")
        + &dep("default", "web", "app=web", &["80"])
        + &dep("default", "api", "app=api", &["80"])
        + &dep("other", "client", "app=client", &["80"]);
    let Some(c) = cluster(
        state,
        &["12-deny-all-non-whitelisted-traffic-from-the-namespace--1.yaml"],
    ) else {
        return;
    };
    assert!(!c.can("default/web", "default/api", 80));
    assert!(!c.can("default/web", "other/client", 80));
    assert!(!c.can("default/web", "internet", 443));
    assert!(
        c.can("other/client", "default/web", 80),
        "ingress into default is not restricted"
    );
}

#[test]
fn r14_deny_external_egress_traffic() {
    let state = ns("kube-system", "")
        + &dep("default", "foo", "app=foo", &[])
        + &dep(
            "kube-system",
            "coredns",
            "k8s-app=kube-dns",
            &["dns:53/UDP"],
        );
    let Some(c) = cluster(state, &["14-deny-external-egress-traffic--1.yaml"]) else {
        return;
    };
    assert!(c.can_proto("default/foo", "kube-system/coredns", 53, Protocol::Udp));
    assert!(!c.can("default/foo", "internet", 443));
    assert!(!c.can("default/foo", "internet", 53));
}
