use palisade_core::declare_rule;

use super::{containers, finding, text, Cluster, LiveFinding, LiveOptions, SYSTEM_NAMESPACES};

declare_rule! {
    /// ## What it checks
    /// Workloads (top controllers, and pods without one) in `kube-system`, `kube-public` or
    /// `kube-node-lease` that show none of the marks of a cluster component: no
    /// `system-cluster-critical`/`system-node-critical` priority class, not a static
    /// (mirror) pod, and at least one image from outside the registries the Kubernetes
    /// project and the managed platforms ship their components from (`registry.k8s.io`,
    /// EKS, GKE, AKS registries, and the prefixes of `[kubernetes] system_images` in
    /// `palisade.toml`).
    /// ## Why it matters
    /// The system namespaces are exempt from most admission policies and Pod Security
    /// enforcement, hold the most powerful service accounts and are where nobody looks:
    /// an application or an attacker's pod placed there escapes the controls every other
    /// namespace has.
    /// ## Fix
    /// Move the workload to a namespace of its own with the policies the others have; if
    /// it is a cluster add-on, add its registry to `[kubernetes] system_images`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/multi-tenancy/#namespaces
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass
    pub static RULE = {
        id: "ISO026", practice: Iso, severity: Medium,
        title: "Non-system workload in a system namespace",
    };
}

/// Where the Kubernetes project and the managed platforms publish cluster components.
const SYSTEM_IMAGES: &[&str] = &[
    "registry.k8s.io/",
    "k8s.gcr.io/",
    "gcr.io/k8s-",
    "gcr.io/google-containers/",
    "gcr.io/gke-release/",
    "gke.gcr.io/",
    "mcr.microsoft.com/oss/kubernetes",
    "mcr.microsoft.com/aks/",
    "mcr.microsoft.com/containernetworking/",
    "public.ecr.aws/eks/",
    "public.ecr.aws/eks-distro/",
    "602401143452.dkr.ecr.",
];

pub(super) fn check(cluster: &Cluster, options: &LiveOptions, out: &mut Vec<LiveFinding>) {
    let system_image = |image: &str| {
        SYSTEM_IMAGES.iter().any(|p| image.starts_with(p))
            || options
                .system_images
                .iter()
                .any(|p| !p.is_empty() && image.starts_with(p.as_str()))
    };
    for i in 0..cluster.objects.len() {
        if !SYSTEM_NAMESPACES.contains(&cluster.namespace(i)) {
            continue;
        }
        if cluster.top_owner(i) != i {
            continue;
        }
        let Some(spec) = cluster.pod_spec(i) else {
            continue;
        };
        let object = cluster.objects[i];
        let critical = text(spec.spec, "/priorityClassName").starts_with("system-");
        let mirror = object
            .pointer("/metadata/annotations/kubernetes.io~1config.mirror")
            .is_some();
        if critical || mirror {
            continue;
        }
        let foreign: Vec<(String, &str)> = containers(spec.spec)
            .map(|(path, c)| (path, text(c, "/image")))
            .filter(|(_, image)| !image.is_empty() && !system_image(image))
            .collect();
        let Some((path, image)) = foreign.first() else {
            continue;
        };
        out.push(finding(
            &RULE,
            i,
            format!("{}.{path}.image", spec.field),
            format!(
                "{} runs in the system namespace {} with image {image}, not a cluster component's",
                cluster.kind(i),
                cluster.namespace(i)
            ),
        ));
    }
}
