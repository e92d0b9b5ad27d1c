use palisade_core::{declare_rule, Finding};

use super::names;
use crate::engine::Engine;
use crate::model::Direction;

declare_rule! {
    /// ## What it checks
    /// Workloads exposed outside the cluster by a Service of type LoadBalancer or NodePort,
    /// or by an Ingress through a Service, that no NetworkPolicy selects for ingress.
    /// ## Why it matters
    /// The exposed pods accept connections from the internet (through the load balancer or
    /// any node's port) and from every pod of the cluster on every port, not only the one
    /// the Service publishes.
    /// ## Fix
    /// Add an ingress policy selecting the workload that allows the published port from the
    /// load balancer or ingress controller, and nothing else.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/
    pub static RULE = {
        id: "NET007", practice: Net, severity: Medium,
        title: "Exposed workload without an ingress NetworkPolicy",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    for x in &e.model.exposures {
        let open: Vec<usize> = e
            .workloads_in(&x.namespace)
            .iter()
            .copied()
            .filter(|&i| {
                let labels = &e.model.workloads[i].labels;
                x.selector.iter().all(|(k, v)| labels.get(k) == Some(v))
            })
            .filter(|&i| {
                e.policies_selecting(e.workload_group[i], Direction::Ingress)
                    .is_empty()
            })
            .collect();
        if open.is_empty() {
            continue;
        }
        out.push(Finding::new(
            &RULE,
            format!(
                "{} ({}) exposes {} and no NetworkPolicy restricts their ingress",
                x.resource_id,
                x.how,
                names(e, &open)
            ),
            x.source.location(&x.resource_id),
        ));
    }
}
