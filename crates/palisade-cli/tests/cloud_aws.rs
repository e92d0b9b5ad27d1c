//! `palisade cloud aws` against moto, the Python implementation of the AWS APIs: the tests
//! start `moto_server` on a free loopback port, create functions, roles, policies, URLs,
//! permissions, REST and HTTP APIs and log groups through the APIs (tests/cloud/seed.py,
//! boto3), and run the real binary with `--endpoint-url`. The bad cases put
//! tests/cloud/proxy.py in front of moto (access denied for one service, throttling, a
//! region that never answers), or a socket that accepts and never answers.
//!
//! moto is found at $PALISADE_MOTO_SERVER, $PALISADE_REF_DIR/venv-moto/bin/moto_server,
//! ~/.cache/palisade-ref/venv-moto/bin/moto_server (what .ci/install.d/45-moto.sh
//! installs) or /opt/peers/venv-moto/bin/moto_server. Without it the tests print a skip
//! line locally and fail when CI is set.

use crate::common;
use crate::moto;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use moto::{script, start_moto, Killed, Moto};
use serde_json::Value;

impl Moto {
    /// proxy.py in front of this moto; answers its endpoint.
    fn proxy(&self, flags: &[&str]) -> (Killed, String) {
        let mut child = Command::new(&self.python)
            .arg(script("proxy.py"))
            .arg(&self.endpoint)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("proxy.py starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("proxy prints its port");
        (Killed(child), format!("http://127.0.0.1:{}", line.trim()))
    }
}

/// Runs `palisade cloud aws` with test credentials and no shared config files.
pub(crate) fn cloud(endpoint: &str, args: &[&str]) -> Output {
    let home = std::env::temp_dir().join("palisade-cloud-test-home");
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args([
            "cloud",
            "aws",
            "--endpoint-url",
            endpoint,
            "--color",
            "never",
        ])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("palisade runs")
}

pub(crate) fn json_report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            common::stdout(out),
            common::stderr(out)
        )
    })
}

/// `(rule, path, field, message)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            (
                s(&f["rule_id"]),
                s(&f["location"]["path"]),
                s(&f["location"]["field"]),
                s(&f["message"]),
            )
        })
        .collect()
}

fn has(found: &[(String, String, String, String)], rule: &str, path_end: &str, text: &str) -> bool {
    found
        .iter()
        .any(|(r, p, _, m)| r == rule && p.ends_with(path_end) && m.contains(text))
}

#[test]
fn every_rule_fires_on_live_functions_and_stays_quiet_on_good_ones() {
    let Some(moto) = start_moto() else { return };
    let seeded = moto.seed("rules");
    let out = cloud(&moto.endpoint, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        common::stderr(&out)
    );
    let report = json_report(&out);
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{}",
        common::stderr(&out)
    );
    // moto has no ListFunctionUrlConfigs: one warning naming the call, and the function's
    // own URL read with GetFunctionUrlConfig instead (AUTH003 below).
    let warnings = report["warnings"].to_string();
    assert_eq!(
        warnings
            .matches("lambda:ListFunctionUrlConfigs in us-east-1: the endpoint does not implement this call")
            .count(),
        1,
        "{warnings}"
    );
    let found = findings(&report);
    let rest = seeded["rest_api"].as_str().unwrap();
    let http = seeded["http_api"].as_str().unwrap();
    let fires = [
        ("AUTH001", "/methods/GET", "GET /open has no authorizer"),
        ("AUTH002", "", "route GET /public has no authorizer"),
        (
            "AUTH003",
            "function:open-fn",
            "public URL with AuthType NONE",
        ),
        (
            "AUTH006",
            "function:open-fn",
            "allows origin * with credentials",
        ),
        ("COLD001", "function:open-fn", "times out after 900 s"),
        ("COLD002", "function:open-fn", "no reserved concurrency"),
        ("COLD003", "function:open-fn", "uses python3.7"),
        (
            "FN001",
            "role/wide-role",
            "allows Action `*` on Resource `*`",
        ),
        ("FN002", "role/wide-role", "iam:PassRole"),
        ("FN006", "role/wide-role", "iam:PassRole"),
        (
            "FN006",
            "role/selfmod-role",
            "function selfmod-fn can change itself",
        ),
        ("FN007", "function:shared-a", "shares role"),
        ("FN007", "function:shared-b", "shares role"),
        ("FN008", "function:open-fn", "Principal `*` may invoke"),
        ("LOG001", "function:open-fn", "no active tracing"),
        ("LOG002", "log-group:/aws/lambda/open-fn", "no retention"),
        (
            "LOG003",
            &format!("/restapis/{rest}/stages/prod"),
            "no access logs",
        ),
        ("LOG004", "function:open-fn", "invoked asynchronously by s3"),
        ("SEC300", "function:open-fn", "DB_PASSWORD"),
        ("SEC301", "function:open-fn", "DB_PASSWORD"),
    ];
    for (rule, path, text) in fires {
        assert!(
            has(&found, rule, path, text),
            "{rule} on {path} ({text}) missing in {found:#?}"
        );
    }
    // Located by ARN and API field.
    assert!(found.iter().any(|(r, p, f, _)| r == "SEC300"
        && p == "arn:aws:lambda:us-east-1:123456789012:function:open-fn"
        && f == "Environment.Variables.DB_PASSWORD"));
    // The good function, the tight role, the keyed method, the JWT route, the logged
    // stage: nothing.
    for (rule, path, _, message) in &found {
        assert!(
            !path.ends_with("function:good-fn") && !path.ends_with("role/tight-role"),
            "{rule} on a good resource {path}: {message}"
        );
        assert!(
            !message.contains("GET /keyed") && !message.contains("GET /private"),
            "{rule}: {message}"
        );
        assert!(
            !(rule == "LOG003" && path.contains(&format!("/apis/{http}/"))),
            "LOG003 on the logged HTTP API stage"
        );
        assert!(
            !(rule == "FN007" && message.contains("good-fn")),
            "{message}"
        );
    }
    // The secret is never printed whole, in any format.
    let secret = "hunter2-prod-Secret!9";
    assert!(!common::stdout(&out).contains(secret));
    let table = cloud(&moto.endpoint, &[]);
    assert_eq!(table.status.code(), Some(1));
    let text = common::stdout(&table);
    assert!(
        text.contains("arn:aws:lambda:us-east-1:123456789012:function:open-fn"),
        "{text}"
    );
    assert!(!text.contains(secret) && !common::stderr(&table).contains(secret));
    for format in ["sarif", "junit"] {
        let o = cloud(&moto.endpoint, &["--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", common::stderr(&o));
        assert!(!common::stdout(&o).contains(secret), "{format}");
    }
    assert!(
        common::stderr(&table).contains("API calls"),
        "the note on calls per function: {}",
        common::stderr(&table)
    );
}

#[test]
fn permissions_boundaries_cap_grants_and_idle_roles_are_reported() {
    let Some(moto) = start_moto() else { return };
    let seeded = moto.seed("roles");
    assert!(
        seeded["busy_last_used"].is_string(),
        "moto recorded the assumed role's use: {seeded}"
    );
    let out = cloud(&moto.endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report = json_report(&out);
    assert_eq!(report["errors"], serde_json::json!([]));
    let severity_of = |rule: &str, path_end: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["rule_id"] == rule
                    && f["location"]["path"]
                        .as_str()
                        .is_some_and(|p| p.ends_with(path_end))
            })
            .map(|f| f["severity"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let found = findings(&report);
    // The `*` grant capped by the boundary is low and names what passes; without a
    // boundary the same grant is critical.
    assert!(
        has(
            &found,
            "FN001",
            "role/capped-role",
            "capped by permissions boundary edge to s3:GetObject on arn:aws:s3:::reports/*"
        ),
        "{found:#?}"
    );
    assert_eq!(severity_of("FN001", "role/capped-role"), ["low"]);
    assert_eq!(severity_of("FN001", "role/idle-role"), ["critical"]);
    assert_eq!(severity_of("FN006", "role/capped-role"), ["low"]);
    // The boundary does not allow lambda:UpdateFunctionCode: the function cannot change itself.
    assert!(!has(
        &found,
        "FN006",
        "role/capped-role",
        "can change itself"
    ));
    // Everything the blocked role's policies grant is outside its boundary.
    assert!(
        !found.iter().any(|f| f.1.ends_with("role/blocked-role")),
        "{found:#?}"
    );
    // Every role is a few seconds old: none is unused by the default 90 days.
    assert!(!found.iter().any(|f| f.0 == "FN010"), "{found:#?}");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[serverless]\nunused_role_days = 0\n").unwrap();
    let out = cloud(
        &moto.endpoint,
        &["--format", "json", "--config", config.to_str().unwrap()],
    );
    let found = findings(&json_report(&out));
    assert!(
        has(
            &found,
            "FN010",
            "role/idle-role",
            "role idle-role of function idle-fn has not been used for 0 days (never used since its creation on"
        ),
        "{found:#?}"
    );
    assert!(
        has(&found, "FN010", "role/busy-role", "(last used 20"),
        "{found:#?}"
    );
    // Idle roles whose grants the boundary takes away hold nothing broad.
    assert!(
        !found
            .iter()
            .any(|f| f.0 == "FN010"
                && (f.1.ends_with("capped-role") || f.1.ends_with("blocked-role")))
    );
}

#[test]
fn a_layer_anyone_may_read_is_reported_once_per_function() {
    let Some(moto) = start_moto() else { return };
    let seeded = moto.seed("layers");
    let out = cloud(&moto.endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report = json_report(&out);
    assert_eq!(report["errors"], serde_json::json!([]));
    let found = findings(&report);
    let public = seeded["public"].as_str().unwrap();
    let fn012: Vec<_> = found.iter().filter(|f| f.0 == "FN012").collect();
    assert_eq!(fn012.len(), 1, "{found:#?}");
    assert!(
        fn012[0].1.ends_with("function:layered-fn")
            && fn012[0].2 == "Layers[0]"
            && fn012[0].3.contains(public),
        "{fn012:#?}"
    );
    // The private layer (granted to one account) and the account's own layers: nothing.
    assert!(!found.iter().any(|f| f.0 == "FN011"), "{found:#?}");
}

/// moto with the `targets` seed behind the proxy that adds what moto drops (dead-letter
/// configs, alias event invoke configs), with `extra` proxy flags.
fn targets_endpoint(moto: &Moto, extra: &[&str]) -> (Value, Killed, String) {
    let seeded = moto.seed("targets");
    let mut flags: Vec<&str> = seeded["proxy"]
        .as_array()
        .expect("proxy flags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    flags.extend(extra);
    let (proxy, endpoint) = moto.proxy(&flags);
    (seeded, proxy, endpoint)
}

#[test]
fn dead_letter_queues_and_destinations_are_judged_on_what_they_say_and_what_the_role_may() {
    let Some(moto) = start_moto() else { return };
    let (seeded, _proxy, endpoint) = targets_endpoint(&moto, &[]);
    let out = cloud(&endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report = json_report(&out);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let s = |k: &str| seeded[k].as_str().unwrap().to_string();
    let (enc, plain, open, gone, far, other) = (
        s("enc"),
        s("plain"),
        s("open"),
        s("gone"),
        s("far"),
        s("other"),
    );
    let (enc_topic, plain_topic) = (s("enc_topic"), s("plain_topic"));
    let (bus, bucket) = (s("bus"), s("bucket"));
    let function_arn = |name: &str| {
        format!(
            "arn:aws:lambda:us-east-1:{}:function:{name}",
            seeded["account"].as_str().unwrap()
        )
    };
    let (handler, deleted) = (function_arn("dest-handler-fn"), function_arn("deleted-fn"));
    // Another account's queue these credentials cannot read: a warning, not an error.
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains(&format!(
            "sqs:GetQueueUrl in us-east-1 ({other}): not readable"
        )),
        "{warnings}"
    );
    let found = findings(&report);
    let at = |rule: &str, path_end: &str, field: &str, text: &str| {
        found.iter().any(|(r, p, f, m)| {
            r == rule && p.ends_with(path_end) && f == field && m.contains(text)
        })
    };
    const DLQ: &str = "DeadLetterConfig.TargetArn";
    const EIC: &str = "EventInvokeConfig.DestinationConfig.OnFailure";
    let fires = [
        ("LOG004", "function:dlq-gone-fn", DLQ, format!("is SQS queue {gone}, which does not exist")),
        ("SEC312", "function:dlq-plain-fn", DLQ, format!("SQS queue {plain}, the dead-letter queue of function dlq-plain-fn, does not encrypt its messages at rest (SQS-managed encryption off and no KMS key)")),
        ("NET230", "function:dlq-open-fn", DLQ, format!("SQS queue {open}, the dead-letter queue of function dlq-open-fn, is writable by anyone: policy Principal * on sqs:SendMessage")),
        // Read in its own region.
        ("SEC312", "function:dlq-far-fn", DLQ, far.clone()),
        ("LOG004", "function:dlq-mute-fn", DLQ, format!("role mute-role of function dlq-mute-fn may not sqs:SendMessage to SQS queue {enc}, its dead-letter queue")),
        // The boundary lets only logs through; a Deny takes the queue away.
        ("LOG004", "function:dlq-capped-fn", DLQ, format!("may not sqs:SendMessage to SQS queue {enc}")),
        ("LOG004", "function:dlq-denied-fn", DLQ, format!("may not sqs:SendMessage to SQS queue {enc}")),
        ("LOG004", "function:eic-mute-fn", EIC, format!("may not sns:Publish to SNS topic {enc_topic}, its on-failure destination")),
        ("LOG004", "function:alias-fn:live", EIC, "failed events of alias live have nowhere to go".to_string()),
        ("SEC312", "", "DestinationConfig.OnFailure", format!("SNS topic {plain_topic}, the on-failure destination of its kinesis mapping of function stream-fn, does not encrypt its messages at rest (no KMS key)")),
        // Destinations that are not read: the role, and whether a function is listed.
        ("LOG004", "function:dest-fn-mute", EIC, format!("role mute-role of function dest-fn-mute may not lambda:InvokeFunction to Lambda function {handler}, its on-failure destination: failed events are dropped")),
        ("LOG004", "function:dest-fn-gone", EIC, format!("the on-failure destination of function dest-fn-gone is Lambda function {deleted}, which does not exist: failed events have nowhere to go")),
        ("LOG004", "function:dest-bus-mute", EIC, format!("role mute-role of function dest-bus-mute may not events:PutEvents to EventBridge event bus {bus}, its on-failure destination")),
        // PutObject on the bucket ARN alone does not reach the objects Lambda writes.
        ("LOG004", "", "DestinationConfig.OnFailure", format!("role bucket-arn-role of function dest-s3-arn-only may not s3:PutObject to S3 bucket {bucket}, its on-failure destination of its kinesis mapping")),
        // Lambda also lists the bucket.
        ("LOG004", "", "DestinationConfig.OnFailure", format!("role unlisted-bucket-role of function dest-s3-unlisted may not s3:ListBucket to S3 bucket {bucket}, its on-failure destination of its kinesis mapping")),
    ];
    for (rule, path, field, text) in &fires {
        assert!(
            at(rule, path, field, text),
            "{rule} on {path} {field} ({text}) missing in {found:#?}"
        );
    }
    let severity = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "NET230")
        .map(|f| f["severity"].clone());
    assert_eq!(severity, Some(Value::from("critical")));
    // No fires: an encrypted queue the role may send to, the encrypted topic of the other
    // mapping, the alias with its own destination, the function's own destination, the
    // function, event bus and bucket (objects under `b/*`) the role may deliver to.
    let about_targets = found.iter().filter(|(r, _, f, _)| {
        r == "LOG004" || [DLQ, EIC, "DestinationConfig.OnFailure"].contains(&f.as_str())
    });
    for (rule, path, field, message) in about_targets {
        for good in [
            "function:dlq-good-fn",
            "function:stream-good-fn",
            "function:alias-fn:safe",
            "function:alias-fn",
            "function:dest-handler-fn",
            "function:dest-fn-ok",
            "function:dest-bus-ok",
        ] {
            assert!(!path.ends_with(good), "{rule} on {path} {field}: {message}");
        }
        assert!(
            !message.contains("stream-good-fn")
                && !message.contains("dlq-partner-fn")
                && !message.contains("dest-s3-ok"),
            "{rule}: {message}"
        );
        assert!(
            !(["SEC312", "NET230"].contains(&rule.as_str())
                && (message.contains(&format!("{enc},")) || message.contains(&enc_topic))),
            "{rule}: {message}"
        );
    }
    // Each queue and topic is read once however many functions name it: enc-dlq is named
    // as the dead-letter queue of four functions and the destination of alias-fn and of its
    // alias safe; enc-topic by a function and a mapping.
    let calls = ureq::get(&format!("{endpoint}/_proxy/calls"))
        .call()
        .expect("the proxy's counts")
        .body_mut()
        .read_to_string()
        .expect("the counts");
    let calls: Value = serde_json::from_str(&calls).expect("JSON counts");
    for (call, times) in [
        ("AmazonSQS.GetQueueUrl enc-dlq", 1),
        ("AmazonSQS.GetQueueAttributes enc-dlq", 1),
        ("AmazonSQS.GetQueueUrl far-dlq", 1),
        (&format!("GetTopicAttributes {enc_topic}"), 1),
    ] {
        assert_eq!(calls[call], times, "{call}: {calls}");
    }
}

#[test]
fn access_denied_on_a_dead_letter_queue_is_reported_and_the_rest_scanned() {
    let Some(moto) = start_moto() else { return };
    let (seeded, _proxy, endpoint) =
        targets_endpoint(&moto, &["--deny", "AmazonSQS.GetQueueAttributes"]);
    let out = cloud(&endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let report = json_report(&out);
    let plain = seeded["plain"].as_str().unwrap();
    let errors = report["errors"].to_string();
    assert!(
        errors.contains(&format!(
            "sqs:GetQueueAttributes in us-east-1 ({plain}): access denied, the credentials need this action"
        )),
        "{errors}"
    );
    let found = findings(&report);
    // Nothing is said about the settings of the queues that could not be read (the missing
    // one is still known missing: GetQueueUrl answered)...
    assert!(
        !found
            .iter()
            .any(|f| f.2 == "DeadLetterConfig.TargetArn" && f.0 != "LOG004"),
        "{found:#?}"
    );
    assert!(has(
        &found,
        "LOG004",
        "function:dlq-gone-fn",
        "does not exist"
    ));
    // What the role may do is judged without the queue's attributes.
    assert!(
        has(
            &found,
            "LOG004",
            "function:dlq-mute-fn",
            "may not sqs:SendMessage"
        ),
        "{found:#?}"
    );
    // ...and the topics and the rest are still judged.
    assert!(
        has(
            &found,
            "SEC312",
            "",
            seeded["plain_topic"].as_str().unwrap()
        ),
        "{found:#?}"
    );
    assert!(has(
        &found,
        "LOG004",
        "function:alias-fn:live",
        "alias live"
    ));
}

#[test]
fn compare_reports_drift_from_the_template() {
    let Some(moto) = start_moto() else { return };
    moto.seed("rules");
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.yaml");
    std::fs::write(
        &template,
        "AWSTemplateFormatVersion: '2010-09-09'\n\
         Transform: AWS::Serverless-2016-10-31\n\
         Resources:\n\
         \x20 open-fn:\n\
         \x20   Type: AWS::Serverless::Function\n\
         \x20   Properties:\n\
         \x20     Runtime: python3.7\n\
         \x20     Handler: index.handler\n\
         \x20     CodeUri: src/\n\
         \x20     Timeout: 30\n\
         \x20     MemorySize: 128\n\
         \x20     Environment:\n\
         \x20       Variables:\n\
         \x20         LOG_LEVEL: debug\n\
         \x20 good-fn:\n\
         \x20   Type: AWS::Serverless::Function\n\
         \x20   Properties:\n\
         \x20     Runtime: python3.12\n\
         \x20     Handler: index.handler\n\
         \x20     CodeUri: src/\n\
         \x20     Timeout: 10\n\
         \x20     MemorySize: 512\n\
         \x20     Tracing: Active\n\
         \x20     FunctionUrlConfig:\n\
         \x20       AuthType: AWS_IAM\n\
         \x20     Environment:\n\
         \x20       Variables:\n\
         \x20         LOG_LEVEL: info\n",
    )
    .unwrap();
    let out = cloud(
        &moto.endpoint,
        &["--format", "json", "--compare", template.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let found = findings(&json_report(&out));
    let drift: Vec<_> = found.iter().filter(|f| f.0 == "FN009").collect();
    assert!(
        has(
            &found,
            "FN009",
            "function:open-fn",
            "timeout 900 s deployed, 30 s in"
        ),
        "{drift:#?}"
    );
    assert!(
        has(
            &found,
            "FN009",
            "function:open-fn",
            "environment variables DB_PASSWORD that"
        ),
        "{drift:#?}"
    );
    assert!(
        has(
            &found,
            "FN009",
            "function:open-fn",
            "has a URL (AuthType NONE) that"
        ),
        "{drift:#?}"
    );
    assert!(
        !drift.iter().any(|f| f.1.ends_with("function:good-fn")),
        "good-fn matches its template: {drift:#?}"
    );
    assert!(!drift.iter().any(|f| f.3.contains("memory")), "{drift:#?}");
}

#[test]
fn access_denied_on_one_service_is_reported_and_the_rest_scanned() {
    let Some(moto) = start_moto() else { return };
    moto.seed("rules");
    let (_proxy, endpoint) = moto.proxy(&["--deny", "apigateway"]);
    let out = cloud(&endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let report = json_report(&out);
    let errors = report["errors"].to_string();
    assert!(errors.contains("apigateway:GET in us-east-1"), "{errors}");
    assert!(errors.contains("access denied"), "{errors}");
    let found = findings(&report);
    assert!(
        has(&found, "AUTH003", "function:open-fn", "AuthType NONE"),
        "{found:#?}"
    );
    assert!(has(&found, "FN001", "role/wide-role", ""), "{found:#?}");
    assert!(!found.iter().any(|f| f.0 == "AUTH001" || f.0 == "AUTH002"));
}

#[test]
fn throttled_calls_are_retried() {
    let Some(moto) = start_moto() else { return };
    moto.seed("rules");
    let (_proxy, endpoint) = moto.proxy(&["--throttle", "lambda", "3"]);
    let out = cloud(&endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report = json_report(&out);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert!(has(&findings(&report), "AUTH003", "function:open-fn", ""));
    // With a single attempt the throttling is reported instead.
    let (_proxy, endpoint) = moto.proxy(&["--throttle", "lambda", "1000"]);
    let out = cloud(&endpoint, &["--format", "json", "--max-attempts", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let errors = json_report(&out)["errors"].to_string();
    assert!(
        errors.contains("lambda:ListFunctions in us-east-1"),
        "{errors}"
    );
    assert!(errors.contains("throttled"), "{errors}");
}

#[test]
fn a_region_that_does_not_answer_is_reported_and_the_others_scanned() {
    let Some(moto) = start_moto() else { return };
    moto.seed("rules");
    let (_proxy, endpoint) = moto.proxy(&["--hang", "eu-west-1"]);
    let started = Instant::now();
    let out = cloud(
        &endpoint,
        &[
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--timeout",
            "3",
            "--max-attempts",
            "1",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let report = json_report(&out);
    let errors = report["errors"].to_string();
    assert!(
        errors.contains("lambda:ListFunctions in eu-west-1"),
        "{errors}"
    );
    assert!(errors.contains("no answer in time"), "{errors}");
    assert!(has(&findings(&report), "AUTH003", "function:open-fn", ""));
}

#[test]
fn an_endpoint_that_never_answers_times_out() {
    // No moto needed: a socket that accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let started = Instant::now();
    let out = cloud(
        &format!("http://127.0.0.1:{port}"),
        &["--timeout", "3", "--max-attempts", "1"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("sts:GetCallerIdentity"), "{err}");
    assert!(err.contains("no answer in time"), "{err}");
}

#[test]
fn an_unreadable_response_is_reported_with_its_call() {
    let Some(moto) = start_moto() else { return };
    moto.seed("unreadable");
    let out = cloud(&moto.endpoint, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let report = json_report(&out);
    let errors = report["errors"].to_string();
    assert!(
        errors.contains(
            "lambda:ListFunctionEventInvokeConfigs in us-east-1 (eic-fn): unreadable response"
        ),
        "{errors}"
    );
    // The function itself is still judged.
    assert!(has(
        &findings(&report),
        "LOG001",
        "function:eic-fn",
        "no active tracing"
    ));
}

#[test]
fn print_policy_lists_read_only_actions() {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["cloud", "aws", "--print-policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = doc["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for needed in [
        "lambda:ListFunctions",
        "iam:GetPolicyVersion",
        "iam:GetRole",
        "lambda:GetLayerVersionPolicy",
        "lambda:ListFunctionUrlConfigs",
        "lambda:ListAliases",
        "lambda:ListFunctionEventInvokeConfigs",
        "sqs:GetQueueUrl",
        "sqs:GetQueueAttributes",
        "sns:GetTopicAttributes",
    ] {
        assert!(actions.contains(&needed), "{needed} missing: {actions:?}");
    }
    for a in actions {
        let verb = a.split(':').nth(1).unwrap();
        assert!(
            verb.starts_with("List")
                || verb.starts_with("Get")
                || verb.starts_with("Describe")
                || verb == "GET",
            "{a} is not read-only"
        );
    }
}

#[test]
fn no_credentials_is_an_error_that_says_so() {
    let home = std::env::temp_dir().join("palisade-cloud-test-nocreds");
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args([
            "cloud",
            "aws",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--timeout",
            "3",
        ])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("sts:GetCallerIdentity in global: no usable credentials"),
        "{err}"
    );
    assert!(
        !err.contains('\n') || err.lines().count() == 1,
        "one line: {err}"
    );
}
