//! The load client of `bench/webhook.sh`.
//!
//! `webhook_load certs DIR` writes `ca.crt`, `tls.crt` and `tls.key` for 127.0.0.1 into DIR.
//! `webhook_load run URL CA N` sends N AdmissionReviews of a Deployment one after the other
//! over one kept-alive HTTPS connection and prints the latency distribution seen by the
//! client (request written to response read). To `/validate` it alternates a compliant
//! Deployment and one that is denied; to `/mutate`, the compliant one (nothing to add) and
//! one that sets none of the defaults (patched).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

/// A Deployment review: hardened, or `privileged`, or without the three settings `/mutate`
/// adds (`bare`).
fn deployment(uid: usize, privileged: bool, bare: bool) -> String {
    let mut review = json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("bench-{uid}"),
            "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "requestKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "requestResource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "name": "web",
            "namespace": "shop",
            "operation": "CREATE",
            "userInfo": {"username": "ci", "groups": ["system:authenticated"]},
            "object": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {
                            "automountServiceAccountToken": false,
                            "securityContext": {"runAsNonRoot": true, "runAsUser": 10001,
                                                "seccompProfile": {"type": "RuntimeDefault"}},
                            "containers": [{
                                "name": "web",
                                "image": "registry.example.com/shop/web:1.4.2",
                                "ports": [{"containerPort": 8080}],
                                "env": [{"name": "MODE", "value": "production"}],
                                "securityContext": {
                                    "privileged": privileged,
                                    "allowPrivilegeEscalation": false,
                                    "readOnlyRootFilesystem": true,
                                    "capabilities": {"drop": ["ALL"]}
                                },
                                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                                              "limits": {"cpu": "500m", "memory": "128Mi"}}
                            }]
                        }
                    }
                }
            },
            "oldObject": null,
            "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
        }
    });
    if bare {
        let spec = &mut review["request"]["object"]["spec"]["template"]["spec"];
        let spec = spec.as_object_mut().unwrap();
        spec.remove("automountServiceAccountToken");
        spec["securityContext"]
            .as_object_mut()
            .unwrap()
            .remove("seccompProfile");
        spec["containers"][0]["securityContext"]
            .as_object_mut()
            .unwrap()
            .remove("allowPrivilegeEscalation");
    }
    review.to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("certs") => {
            let dir = std::path::Path::new(&args[2]);
            let pair = palisade_server::manifests::self_signed(&["127.0.0.1".into()]).unwrap();
            std::fs::write(dir.join("ca.crt"), pair.ca_pem).unwrap();
            std::fs::write(dir.join("tls.crt"), pair.cert_pem).unwrap();
            std::fs::write(dir.join("tls.key"), pair.key_pem).unwrap();
        }
        Some("run") => {
            let (url, ca, n) = (&args[2], &args[3], args[4].parse::<usize>().unwrap());
            let ca = std::fs::read(ca).unwrap();
            let ca = ureq::tls::Certificate::from_pem(&ca).unwrap();
            let agent = ureq::Agent::new_with_config(
                ureq::Agent::config_builder()
                    .tls_config(
                        ureq::tls::TlsConfig::builder()
                            .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![ca])))
                            .build(),
                    )
                    .http_status_as_error(false)
                    .build(),
            );
            let mutate = url.ends_with("/mutate");
            let bodies = if mutate {
                [deployment(0, false, false), deployment(1, false, true)]
            } else {
                [deployment(0, false, false), deployment(1, true, false)]
            };
            // Warm-up: the TLS handshake and first allocations are not per-request costs.
            for body in &bodies {
                agent.post(url).send(body.as_str()).unwrap();
            }
            let mut latencies = Vec::with_capacity(n);
            let (mut allowed, mut denied, mut patched, mut errors) = (0, 0, 0, 0);
            let started = Instant::now();
            for i in 0..n {
                let body = &bodies[i % 2];
                let t = Instant::now();
                let result = agent
                    .post(url)
                    .header("Content-Type", "application/json")
                    .send(body.as_str())
                    .and_then(|mut r| {
                        let status = r.status().as_u16();
                        r.body_mut().read_to_string().map(|b| (status, b))
                    });
                latencies.push(t.elapsed());
                match result {
                    Ok((200, b)) if b.contains("\"patchType\":\"JSONPatch\"") => patched += 1,
                    Ok((200, b)) if b.contains("\"allowed\":true") => allowed += 1,
                    Ok((200, _)) => denied += 1,
                    _ => errors += 1,
                }
            }
            let total = started.elapsed();
            latencies.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let half = if mutate {
                "half patched"
            } else {
                "half denied"
            };
            println!("requests    {n} sequential Deployment AdmissionReviews to {url} ({half}), one HTTPS connection");
            if mutate {
                println!("patched     {patched}\nunchanged   {allowed}");
            } else {
                println!("allowed     {allowed}\ndenied      {denied}");
            }
            println!("errors      {errors}");
            println!("median      {:.3} ms", ms(percentile(&latencies, 50.0)));
            println!("p99         {:.3} ms", ms(percentile(&latencies, 99.0)));
            println!("p99.9       {:.3} ms", ms(percentile(&latencies, 99.9)));
            println!("max         {:.3} ms", ms(latencies[latencies.len() - 1]));
            println!(
                "throughput  {:.0} requests/s",
                n as f64 / total.as_secs_f64()
            );
        }
        _ => {
            eprintln!("usage: webhook_load certs DIR | webhook_load run URL CA_PEM N");
            std::process::exit(2);
        }
    }
}
