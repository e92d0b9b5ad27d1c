//! The load client of `bench/webhook.sh`.
//!
//! `webhook_load certs DIR` writes `ca.crt`, `tls.crt` and `tls.key` for 127.0.0.1 into DIR.
//!
//! `webhook_load run URL CA N` sends N AdmissionReviews of a Deployment one after the other
//! over one kept-alive HTTPS connection and prints the latency distribution seen by the
//! client (request written to response read). To `/validate` it alternates a compliant
//! Deployment and one that is denied; to `/mutate`, the compliant one (nothing to add) and
//! one that sets none of the defaults (patched).
//!
//! `webhook_load rate URL CA RPS SECONDS [CONNECTIONS]` is open-loop: request i is due at
//! start + i/RPS whether or not earlier ones were answered, and its latency is counted from
//! that due time, so a stalled server is charged for the requests that queued behind the
//! stall (no coordinated omission). The requests are a mix of Pods, Deployments, CronJobs,
//! Roles and NetworkPolicies, half of them compliant, sent over CONNECTIONS (default 32)
//! kept-alive HTTPS connections. It prints `key value` lines: sent, answers, errors, p50,
//! p99, p99.9 and max in milliseconds, and the rate achieved.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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

/// An AdmissionReview as kube-apiserver sends it for a CREATE of `object`.
fn review(uid: usize, (group, kind, resource): (&str, &str, &str), object: Value) -> String {
    let version = "v1";
    let gvk = json!({"group": group, "version": version, "kind": kind});
    let gvr = json!({"group": group, "version": version, "resource": resource});
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("bench-{uid}"),
            "kind": gvk, "resource": gvr, "requestKind": gvk, "requestResource": gvr,
            "name": object["metadata"]["name"],
            "namespace": "shop",
            "operation": "CREATE",
            "userInfo": {"username": "ci", "groups": ["system:authenticated"]},
            "object": object,
            "oldObject": null,
            "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
        }
    })
    .to_string()
}

/// A pod spec: hardened, or with a privileged container.
fn pod_spec(privileged: bool) -> Value {
    json!({
        "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "runAsUser": 10001,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{
            "name": "app",
            "image": "registry.example.com/shop/app:1.4.2",
            "securityContext": {"privileged": privileged, "allowPrivilegeEscalation": false,
                                "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                          "limits": {"cpu": "500m", "memory": "128Mi"}}
        }]
    })
}

/// Ten reviews, a compliant and a non-compliant one of each kind: Pod, Deployment,
/// CronJob, Role (reads pods, or everything on everything) and NetworkPolicy (from one
/// app, or from anywhere).
fn mix() -> Vec<String> {
    let mut bodies = Vec::new();
    for (i, bad) in [false, true].into_iter().enumerate() {
        let meta =
            |name: &str| json!({"name": name, "namespace": "shop", "labels": {"app": "web"}});
        bodies.push(review(
            10 * i,
            ("", "Pod", "pods"),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta("web"), "spec": pod_spec(bad)}),
        ));
        bodies.push(deployment(10 * i + 1, bad, false));
        bodies.push(review(
            10 * i + 2,
            ("batch", "CronJob", "cronjobs"),
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("report"),
                   "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {
                       "metadata": {"labels": {"app": "report"}},
                       "spec": {"restartPolicy": "OnFailure", "containers": pod_spec(bad)["containers"],
                                "securityContext": pod_spec(bad)["securityContext"],
                                "automountServiceAccountToken": false}}}}}}),
        ));
        let rules = if bad {
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
        } else {
            json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}])
        };
        bodies.push(review(
            10 * i + 3,
            ("rbac.authorization.k8s.io", "Role", "roles"),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                   "metadata": meta("reader"), "rules": rules}),
        ));
        let from = if bad {
            json!([{}])
        } else {
            json!([{"from": [{"podSelector": {"matchLabels": {"app": "front"}}}],
                    "ports": [{"protocol": "TCP", "port": 8080}]}])
        };
        bodies.push(review(
            10 * i + 4,
            ("networking.k8s.io", "NetworkPolicy", "networkpolicies"),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": meta("web"),
                   "spec": {"podSelector": {"matchLabels": {"app": "web"}},
                            "policyTypes": ["Ingress"], "ingress": from}}),
        ));
    }
    bodies
}

/// An HTTPS client trusting only the CA in `ca_path`, answers of any status returned.
fn agent(ca_path: &str) -> ureq::Agent {
    let ca = std::fs::read(ca_path).expect("the CA file");
    let ca = ureq::tls::Certificate::from_pem(&ca).expect("a PEM CA certificate");
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![ca])))
                    .build(),
            )
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build(),
    )
}

/// What one connection's worker saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    allowed: usize,
    denied: usize,
    errors: usize,
    first_error: Option<String>,
}

/// Sends `rps` requests a second for `seconds` over `connections` connections, open-loop.
fn fixed_rate(url: &str, ca: &str, rps: f64, seconds: f64, connections: usize) {
    let bodies = Arc::new(mix());
    let total = (rps * seconds).round() as usize;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Instant)>(total.max(1));
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let ready = Arc::new(std::sync::Barrier::new(connections + 1));
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (rx, bodies, ready, url) =
                (rx.clone(), bodies.clone(), ready.clone(), url.to_string());
            let agent = agent(ca);
            std::thread::spawn(move || {
                let mut tally = Tally::default();
                // The handshake is made before the clock starts.
                let _ = agent.post(&url).send(bodies[0].as_str());
                ready.wait();
                loop {
                    let job = rx.lock().map(|r| r.recv());
                    let Ok(Ok((i, due))) = job else { break };
                    let result = agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(bodies[i % bodies.len()].as_str())
                        .and_then(|mut r| {
                            let status = r.status().as_u16();
                            r.body_mut().read_to_string().map(|b| (status, b))
                        });
                    tally.latencies.push(due.elapsed());
                    match result {
                        Ok((200, b)) if b.contains("\"allowed\":true") => tally.allowed += 1,
                        Ok((200, _)) => tally.denied += 1,
                        Ok((status, b)) => {
                            tally.errors += 1;
                            tally
                                .first_error
                                .get_or_insert(format!("{status}: {}", b.trim()));
                        }
                        Err(e) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert(e.to_string());
                        }
                    }
                }
                tally
            })
        })
        .collect();
    ready.wait();
    let start = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rps);
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if tx.send((i, due)).is_err() {
            break;
        }
    }
    drop(tx);
    let mut all = Tally::default();
    for worker in workers {
        let tally = worker.join().expect("a load worker panicked");
        all.latencies.extend(tally.latencies);
        all.allowed += tally.allowed;
        all.denied += tally.denied;
        all.errors += tally.errors;
        if all.first_error.is_none() {
            all.first_error = tally.first_error;
        }
    }
    let elapsed = start.elapsed();
    all.latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("target_rps  {rps}");
    println!("seconds     {seconds}");
    println!("connections {connections}");
    println!("sent        {}", all.latencies.len());
    println!("allowed     {}", all.allowed);
    println!("denied      {}", all.denied);
    println!("errors      {}", all.errors);
    if let Some(e) = &all.first_error {
        println!("first_error {e}");
    }
    if !all.latencies.is_empty() {
        println!("p50_ms      {:.3}", ms(percentile(&all.latencies, 50.0)));
        println!("p99_ms      {:.3}", ms(percentile(&all.latencies, 99.0)));
        println!("p99.9_ms    {:.3}", ms(percentile(&all.latencies, 99.9)));
        println!(
            "max_ms      {:.3}",
            ms(all.latencies[all.latencies.len() - 1])
        );
    }
    println!(
        "achieved    {:.0}",
        all.latencies.len() as f64 / elapsed.as_secs_f64()
    );
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
        Some("rate") if args.len() >= 6 => {
            let rps: f64 = args[4].parse().expect("RPS: a number of requests a second");
            let seconds: f64 = args[5].parse().expect("SECONDS: a duration in seconds");
            let connections = args
                .get(6)
                .map(|c| c.parse().expect("CONNECTIONS: a number"))
                .unwrap_or(32);
            assert!(
                rps > 0.0 && seconds > 0.0 && connections > 0,
                "RPS, SECONDS and CONNECTIONS must be above 0"
            );
            fixed_rate(&args[2], &args[3], rps, seconds, connections);
        }
        _ => {
            eprintln!("usage: webhook_load certs DIR | webhook_load run URL CA_PEM N | webhook_load rate URL CA_PEM RPS SECONDS [CONNECTIONS]");
            std::process::exit(2);
        }
    }
}
