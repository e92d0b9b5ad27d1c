use super::*;

/// moto keeps neither `KMSKeyArn` nor `DeadLetterConfig`; their mapping is checked here.
#[test]
fn kms_key_and_dead_letter_queue_silence_sec301_and_log004() {
    use crate::collect::RegionData;
    let function = |name: &str, protected: bool| {
        FunctionData {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:1:function:{name}"),
        runtime: Some("python3.12".into()),
        environment: vec![("DB_PASSWORD".into(), "{{resolve:ssm:x}}".into())],
        kms_key: protected.then(|| "arn:aws:kms:us-east-1:1:key/k".into()),
        dead_letter: protected.then(|| "arn:aws:sqs:us-east-1:1:dlq".into()),
        policy: Some(
            r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                "Action":"lambda:InvokeFunction","Resource":"x",
                "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}"#
                .into(),
        ),
        ..FunctionData::default()
    }
    };
    let collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![function("bare", false), function("protected", true)],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let (inv, loc, errors) = build(&collected);
    assert!(errors.is_empty());
    let mut findings =
        palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
    for f in &mut findings {
        loc.relocate(&mut f.location);
    }
    let on = |rule: &str, name: &str| {
        findings
            .iter()
            .any(|f| f.rule_id == rule && f.location.path.ends_with(&format!(":{name}")))
    };
    assert!(
        on("SEC301", "bare") && on("LOG004", "bare"),
        "{findings:#?}"
    );
    assert!(
        !on("SEC301", "protected") && !on("LOG004", "protected"),
        "{findings:#?}"
    );
}

#[test]
fn a_malformed_resource_policy_is_an_error_naming_the_call() {
    use crate::collect::RegionData;
    let collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "eu-west-1".into(),
            functions: vec![FunctionData {
                name: "f".into(),
                arn: "arn:aws:lambda:eu-west-1:1:function:f".into(),
                policy: Some("{\"Statement\": [".into()),
                ..FunctionData::default()
            }],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let (inv, _, errors) = build(&collected);
    assert_eq!(inv.functions.len(), 1);
    assert_eq!(errors.len(), 1);
    let text = errors[0].to_string();
    assert!(
        text.starts_with("lambda:GetPolicy in eu-west-1 (f): unreadable response"),
        "{text}"
    );
}

/// An alias has its own resource policy: a statement there that lets anyone invoke
/// `f:live` is reported on the alias, and the function's own policy stays judged too.
#[test]
fn an_alias_policy_open_to_anyone_is_reported_on_the_alias() {
    use crate::collect::RegionData;
    let function = "arn:aws:lambda:eu-west-1:111111111111:function:f";
    let alias = format!("{function}:live");
    let open = r#"{"Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"x"}]}"#;
    let scoped = r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"x",
        "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":"111111111111"}}}]}"#;
    let collected = Collected {
        account: "111111111111".into(),
        regions: vec![RegionData {
            region: "eu-west-1".into(),
            functions: vec![FunctionData {
                name: "f".into(),
                arn: function.into(),
                policy: Some(scoped.into()),
                alias_policies: vec![(alias.clone(), open.into())],
                ..FunctionData::default()
            }],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let (inv, loc, errors) = build(&collected);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(inv.permissions.len(), 2);
    let mut findings = palisade_serverless::check(&inv, &Default::default());
    for f in &mut findings {
        loc.relocate(&mut f.location);
    }
    let on_alias: Vec<_> = findings
        .iter()
        .filter(|f| f.location.path == alias)
        .map(|f| (f.rule_id.to_string(), f.location.field.clone()))
        .collect();
    assert_eq!(
        on_alias,
        [(
            "FN008".to_string(),
            Some("Policy.Statement[anyone].Principal".to_string())
        )],
        "{findings:#?}"
    );
    let fn008: Vec<_> = findings.iter().filter(|f| f.rule_id == "FN008").collect();
    assert_eq!(
        fn008.len(),
        1,
        "the scoped S3 permission is not FN008: {fn008:#?}"
    );
}

/// moto rewrites a layer ARN of another account to its own layer, so the cross-account
/// case is checked here; and a policy limited to the organization is not public.
#[test]
fn layers_of_other_accounts_and_organization_policies() {
    use crate::collect::RegionData;
    let own = "arn:aws:lambda:eu-west-1:111111111111:layer:org-lib:3";
    let vendor = "arn:aws:lambda:eu-west-1:222222222222:layer:vendor-lib:7";
    let trusted = "arn:aws:lambda:eu-west-1:333333333333:layer:powertools:2";
    let collected = Collected {
        account: "111111111111".into(),
        regions: vec![RegionData {
            region: "eu-west-1".into(),
            functions: vec![FunctionData {
                name: "f".into(),
                arn: "arn:aws:lambda:eu-west-1:111111111111:function:f".into(),
                layers: vec![own.into(), vendor.into(), trusted.into()],
                ..FunctionData::default()
            }],
            layer_policies: [(
                own.to_string(),
                r#"{"Statement":[{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"x",
                    "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#
                    .to_string(),
            )]
            .into(),
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let (inv, loc, errors) = build(&collected);
    assert!(errors.is_empty(), "{errors:?}");
    let layers = &inv.functions[0].layers;
    assert_eq!(layers.len(), 3);
    assert_eq!(layers[0].public, Some(false));
    assert_eq!(layers[1].public, None);
    let settings = palisade_serverless::ServerlessSettings {
        trusted_layer_accounts: vec!["333333333333".into()],
        ..palisade_serverless::ServerlessSettings::default()
    };
    let mut findings = palisade_serverless::check(&inv, &settings);
    for f in &mut findings {
        loc.relocate(&mut f.location);
    }
    let layer_findings: Vec<_> = findings
        .iter()
        .filter(|f| f.rule_id == "FN011" || f.rule_id == "FN012")
        .map(|f| {
            (
                f.rule_id.to_string(),
                f.location.field.clone(),
                f.message.clone(),
            )
        })
        .collect();
    assert_eq!(
        layer_findings,
        [(
            "FN011".to_string(),
            Some("Layers[1]".to_string()),
            format!("function f runs layer {vendor} published by account 222222222222, not its own (111111111111)")
        )]
    );
    let doc = policy_doc::parse(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"lambda:GetLayerVersion"}]}"#,
    )
    .unwrap();
    assert!(is_public(&doc));
}

/// moto does not implement URLs on aliases (nor ListFunctionUrlConfigs): the mapping of
/// what AWS answers is checked here.
#[test]
fn an_alias_url_is_judged_like_the_function_url() {
    use crate::collect::{RegionData, UrlData};
    let arn = "arn:aws:lambda:us-east-1:1:function:f";
    let url = |arn: String, auth: &str| UrlData {
        arn,
        auth_type: auth.into(),
        ..UrlData::default()
    };
    let collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![FunctionData {
                name: "f".into(),
                arn: arn.into(),
                urls: vec![
                    url(arn.into(), "AWS_IAM"),
                    url(format!("{arn}:live"), "NONE"),
                ],
                ..FunctionData::default()
            }],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let (inv, loc, _) = build(&collected);
    let f = &inv.functions[0];
    assert_eq!(
        f.url
            .as_ref()
            .and_then(|u| u.auth_type.value())
            .map(String::as_str),
        Some("AWS_IAM")
    );
    assert_eq!(f.alias_urls.len(), 1);
    assert_eq!(f.alias_urls[0].0, "live");
    let mut findings =
        palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
    for x in &mut findings {
        loc.relocate(&mut x.location);
    }
    let auth003: Vec<_> = findings.iter().filter(|x| x.rule_id == "AUTH003").collect();
    assert_eq!(auth003.len(), 1, "{findings:#?}");
    assert_eq!(
        auth003[0].message,
        "function f (alias live) has a public URL with AuthType NONE"
    );
    assert_eq!(auth003[0].location.path, format!("{arn}:live"));
}

/// A boundary document that is not one is an error naming the call, and caps nothing:
/// the role's `*` stays critical.
#[test]
fn a_malformed_boundary_is_reported_and_caps_nothing() {
    use crate::collect::RegionData;
    let role = "arn:aws:iam::1:role/r";
    let collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![FunctionData {
                name: "f".into(),
                arn: "arn:aws:lambda:us-east-1:1:function:f".into(),
                role: Some(role.into()),
                ..FunctionData::default()
            }],
            ..RegionData::default()
        }],
        roles: [(
            role.to_string(),
            RoleData {
                arn: role.into(),
                name: "r".into(),
                inline: vec![(
                    "wide".into(),
                    r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
                )],
                boundary: Some((
                    "arn:aws:iam::1:policy/edge".into(),
                    Some("{\"Statement\": [".into()),
                )),
                complete: true,
                ..RoleData::default()
            },
        )]
        .into(),
        ..Collected::default()
    };
    let (inv, _, errors) = build(&collected);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let text = errors[0].to_string();
    assert!(
        text.starts_with("iam:GetPolicyVersion in global (r): unreadable response: permissions boundary arn:aws:iam::1:policy/edge is not a policy document"),
        "{text}"
    );
    let boundary = inv.roles[0]
        .boundary
        .as_ref()
        .expect("the boundary is named");
    assert!(boundary.statements.is_none());
    let findings =
        palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
    let fn001: Vec<_> = findings.iter().filter(|f| f.rule_id == "FN001").collect();
    assert_eq!(fn001.len(), 1);
    assert_eq!(fn001[0].severity, palisade_core::Severity::Critical);
}

#[test]
fn finds_function_names_in_integration_uris() {
    assert_eq!(
        function_name_in("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:api/invocations"),
        Some("api")
    );
    assert_eq!(
        function_name_in("arn:aws:lambda:us-east-1:123456789012:function:api:live"),
        Some("api")
    );
    assert_eq!(function_name_in("https://example.com"), None);
}

#[test]
fn public_principal_and_its_conditions() {
    let doc = policy_doc::parse(
        r#"{"Statement":[
          {"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"x"},
          {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"x",
           "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}},
          {"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"x",
           "Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#,
    )
    .unwrap();
    let f = FunctionData {
        arn: "arn:aws:lambda:us-east-1:1:function:f".into(),
        ..FunctionData::default()
    };
    let mut loc = Locator::default();
    let p = permissions(&doc, &f.arn, &mut loc);
    assert_eq!(p.len(), 3);
    assert_eq!(p[0].principal.value().map(String::as_str), Some("*"));
    assert!(!p[0].source_arn && !p[0].for_public_url);
    assert!(p[1].source_arn);
    assert_eq!(
        async_trigger(&p[1]).map(|t| t.source),
        Some("s3".to_string())
    );
    assert!(p[2].for_public_url);
}

/// The target findings of one region's functions, located.
fn target_run(collected: &Collected) -> Vec<Finding> {
    let (inv, mut loc, errors) = build(collected);
    assert!(errors.is_empty(), "{errors:?}");
    target_findings(collected, &inv, &mut loc)
}

fn role_data(arn: &str, statements: &str) -> RoleData {
    RoleData {
        arn: arn.into(),
        name: arn.rsplit('/').next().unwrap().into(),
        inline: vec![(
            "p".into(),
            format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#),
        )],
        complete: true,
        ..RoleData::default()
    }
}

/// moto drops `DeadLetterConfig`: the mapping of a dead-letter queue that is missing,
/// unencrypted, open to anyone, or that the role may not send to, is checked here.
#[test]
fn dead_letter_queue_settings_and_the_role_that_sends_to_it() {
    use crate::collect::{RegionData, TargetData};
    let sender = "arn:aws:iam::1:role/sender";
    let mute = "arn:aws:iam::1:role/mute";
    let function = |name: &str, role: &str, dlq: &str| FunctionData {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:1:function:{name}"),
        role: Some(role.into()),
        dead_letter: Some(format!("arn:aws:sqs:us-east-1:1:{dlq}")),
        ..FunctionData::default()
    };
    let found = |kms: bool, policy: Option<&str>| TargetData::Found {
        kms_key: kms.then(|| "alias/aws/sqs".to_string()),
        managed_sse: false,
        policy: policy.map(str::to_string),
    };
    let mut collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![
                function("good", sender, "safe"),
                function("lost", sender, "deleted"),
                function("plain", sender, "plain"),
                function("open", sender, "open"),
                function("mute", mute, "safe"),
                function("unread", sender, "unread"),
            ],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    collected.roles.insert(
        sender.into(),
        role_data(
            sender,
            r#"[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:1:*"}]"#,
        ),
    );
    collected.roles.insert(
        mute.into(),
        role_data(
            mute,
            r#"[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]"#,
        ),
    );
    let q = |n: &str| format!("arn:aws:sqs:us-east-1:1:{n}");
    collected.targets.insert(q("safe"), found(true, None));
    collected.targets.insert(
        q("deleted"),
        TargetData::Missing("The specified queue does not exist.".into()),
    );
    collected.targets.insert(q("plain"), found(false, None));
    collected.targets.insert(
        q("open"),
        found(
            true,
            Some(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*"}]}"#),
        ),
    );
    let findings = target_run(&collected);
    let on = |rule: &str, name: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.rule_id == rule && f.location.path.ends_with(&format!("function:{name}")))
            .collect()
    };
    let lost = on("LOG004", "lost");
    assert_eq!(lost.len(), 1, "{findings:#?}");
    assert_eq!(
        lost[0].message,
        format!("the dead-letter queue of function lost is SQS queue {}, which does not exist (The specified queue does not exist.): failed events have nowhere to go", q("deleted"))
    );
    assert_eq!(
        lost[0].location.field.as_deref(),
        Some("DeadLetterConfig.TargetArn")
    );
    assert_eq!(on("SEC312", "plain").len(), 1, "{findings:#?}");
    let open = on("NET230", "open");
    assert_eq!(open.len(), 1, "{findings:#?}");
    assert_eq!(open[0].severity, palisade_core::Severity::Critical);
    assert!(open[0].message.contains(&q("open")));
    assert!(on("LOG004", "mute")[0]
        .message
        .contains("role mute of function mute may not sqs:SendMessage"));
    // The encrypted queue the role may send to, and a queue that could not be read.
    assert!(findings.iter().all(|f| !f.location.path.ends_with(":good")));
    assert!(findings
        .iter()
        .all(|f| !f.location.path.ends_with(":unread")));
    // A role whose policies could not all be read is not judged.
    collected.roles.get_mut(mute).unwrap().complete = false;
    assert!(target_run(&collected)
        .iter()
        .all(|f| !f.location.path.ends_with(":mute")));
}

/// moto ignores the qualifier of event invoke configs: an alias's config without an
/// on-failure destination is judged on the alias here.
#[test]
fn an_alias_event_invoke_config_without_a_destination_is_judged_on_the_alias() {
    use crate::collect::RegionData;
    let arn = "arn:aws:lambda:us-east-1:1:function:f";
    let function = |dlq: bool| {
        FunctionData {
        name: "f".into(),
        arn: arn.into(),
        dead_letter: dlq.then(|| "arn:aws:sqs:us-east-1:1:dlq".into()),
        on_failure: Some("arn:aws:lambda:us-east-1:1:function:handler".into()),
        policy: Some(
            r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                "Action":"lambda:InvokeFunction","Resource":"x",
                "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}"#
                .into(),
        ),
        qualified_invoke_configs: vec![
            (format!("{arn}:live"), None),
            (
                format!("{arn}:safe"),
                Some("arn:aws:lambda:us-east-1:1:function:handler".into()),
            ),
            (format!("{arn}:3"), None),
        ],
        ..FunctionData::default()
    }
    };
    // The destination function exists (one that does not is LOG004 of its own).
    let handler = FunctionData {
        name: "handler".into(),
        arn: "arn:aws:lambda:us-east-1:1:function:handler".into(),
        ..FunctionData::default()
    };
    let collected = |dlq: bool| Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![function(dlq), handler.clone()],
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    let findings = target_run(&collected(false));
    let paths: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.location.path.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(paths.len(), 2, "{paths:#?}");
    assert_eq!(paths[0].0, format!("{arn}:live"));
    assert!(paths[0].1.contains(
        "invoked asynchronously by s3 but failed events of alias live have nowhere to go"
    ));
    assert_eq!(paths[1].0, format!("{arn}:3"));
    assert!(paths[1].1.contains("failed events of version 3"));
    assert_eq!(
        findings[0].location.field.as_deref(),
        Some("EventInvokeConfig.DestinationConfig.OnFailure")
    );
    assert_eq!(findings[0].location.resource.as_deref(), Some(arn));
    // With a dead-letter queue, failed events of every alias have somewhere to go.
    assert!(target_run(&collected(true)).is_empty());
}

/// Functions, event buses and buckets are not read: their role is judged, and a function of
/// the account that is not among the listed ones does not exist.
#[test]
fn destinations_that_are_functions_event_buses_and_buckets() {
    use crate::collect::{MappingData, RegionData};
    let fn_arn = |name: &str| format!("arn:aws:lambda:us-east-1:1:function:{name}");
    let bus = "arn:aws:events:us-east-1:1:event-bus/failures";
    let bucket = "arn:aws:s3:::failed-batches";
    let stream = "arn:aws:kinesis:us-east-1:1:stream/clicks";
    let function = |name: &str, role: &str, target: Option<String>| FunctionData {
        name: name.into(),
        arn: fn_arn(name),
        role: Some(format!("arn:aws:iam::1:role/{role}")),
        on_failure: target,
        ..FunctionData::default()
    };
    let mut collected = Collected {
        account: "1".into(),
        regions: vec![RegionData {
            region: "us-east-1".into(),
            functions: vec![
                function("handler", "sender", None),
                function("to-fn", "sender", Some(fn_arn("handler"))),
                function("to-fn-mute", "mute", Some(fn_arn("handler"))),
                // Another version of an existing function: the qualifier is not judged.
                function("to-alias", "sender", Some(fn_arn("handler") + ":live")),
                function("to-nothing", "sender", Some(fn_arn("deleted"))),
                // Another account's function, and one in a region that was not scanned.
                function(
                    "to-partner",
                    "sender",
                    Some("arn:aws:lambda:us-east-1:2:function:theirs".into()),
                ),
                function(
                    "to-far",
                    "sender",
                    Some("arn:aws:lambda:eu-west-1:1:function:far".into()),
                ),
                function("to-bus", "sender", Some(bus.into())),
                function("to-bus-mute", "mute", Some(bus.into())),
                function("to-bucket", "sender", Some(bucket.into())),
                function("to-bucket-mute", "mute", Some(bucket.into())),
                function("stream-fn", "prefixed", None),
                function("stream-bucket-arn-only", "bucket-only", None),
                function("stream-unlisted", "unlisted", None),
            ],
            mappings: ["stream-fn", "stream-bucket-arn-only", "stream-unlisted"]
                .iter()
                .enumerate()
                .map(|(i, name)| MappingData {
                    arn: format!("arn:aws:lambda:us-east-1:1:event-source-mapping:uuid-{i}"),
                    function_arn: fn_arn(name),
                    source_arn: stream.into(),
                    on_failure: Some(bucket.into()),
                })
                .collect(),
            ..RegionData::default()
        }],
        ..Collected::default()
    };
    for (name, statements) in [
        (
            "sender",
            r#"[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["arn:aws:lambda:*:*:function:*","arn:aws:lambda:*:*:function:*:*"]},
                {"Effect":"Allow","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:1:event-bus/*"},
                {"Effect":"Allow","Action":["s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::failed-batches","arn:aws:s3:::failed-batches/*"]}]"#,
        ),
        (
            "mute",
            r#"[{"Effect":"Allow","Action":["logs:PutLogEvents","lambda:GetFunction","events:DescribeEventBus","s3:GetObject"],"Resource":"*"}]"#,
        ),
        (
            "prefixed",
            r#"[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::failed-batches/aws/lambda/*"},
                {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::failed-batches"}]"#,
        ),
        (
            "unlisted",
            r#"[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::failed-batches/*"}]"#,
        ),
        (
            "bucket-only",
            r#"[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::failed-batches"}]"#,
        ),
    ] {
        let arn = format!("arn:aws:iam::1:role/{name}");
        collected
            .roles
            .insert(arn.clone(), role_data(&arn, statements));
    }
    let findings = target_run(&collected);
    let on = |name: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| {
                f.rule_id == "LOG004" && f.message.contains(&format!("of function {name} "))
            })
            .map(|f| f.message.as_str())
            .collect()
    };
    assert_eq!(
        on("to-fn-mute"),
        [format!("role mute of function to-fn-mute may not lambda:InvokeFunction to Lambda function {}, its on-failure destination: failed events are dropped", fn_arn("handler"))]
    );
    assert_eq!(
        on("to-nothing"),
        [format!("the on-failure destination of function to-nothing is Lambda function {}, which does not exist: failed events have nowhere to go", fn_arn("deleted"))]
    );
    assert_eq!(
        on("to-bus-mute"),
        [format!("role mute of function to-bus-mute may not events:PutEvents to EventBridge event bus {bus}, its on-failure destination: failed events are dropped")]
    );
    assert_eq!(
        on("to-bucket-mute"),
        [format!("role mute of function to-bucket-mute may not s3:PutObject and s3:ListBucket to S3 bucket {bucket}, its on-failure destination: failed events are dropped")]
    );
    // Lambda also lists the bucket.
    let unlisted = on("stream-unlisted");
    assert_eq!(unlisted.len(), 1, "{findings:#?}");
    assert!(unlisted[0].starts_with(&format!("role unlisted of function stream-unlisted may not s3:ListBucket to S3 bucket {bucket}, its on-failure destination of its kinesis mapping")));
    // A statement on the bucket ARN alone does not let Lambda write the objects.
    let arn_only = on("stream-bucket-arn-only");
    assert_eq!(arn_only.len(), 1, "{findings:#?}");
    assert!(arn_only[0].starts_with(&format!("role bucket-only of function stream-bucket-arn-only may not s3:PutObject to S3 bucket {bucket}, its on-failure destination of its kinesis mapping")));
    let at_mapping = findings
        .iter()
        .find(|f| f.message.contains("of function stream-bucket-arn-only "))
        .unwrap();
    assert_eq!(
        at_mapping.location.path,
        "arn:aws:lambda:us-east-1:1:event-source-mapping:uuid-1"
    );
    assert_eq!(
        at_mapping.location.field.as_deref(),
        Some("DestinationConfig.OnFailure")
    );
    assert_eq!(
        at_mapping.location.resource.as_deref(),
        Some(fn_arn("stream-bucket-arn-only").as_str())
    );
    // No fire: the roles that may, a function that exists (any qualifier), another
    // account's function, a region that was not scanned, a statement on `b/aws/lambda/*`.
    for name in [
        "handler",
        "to-fn",
        "to-alias",
        "to-partner",
        "to-far",
        "to-bus",
        "to-bucket",
        "stream-fn",
    ] {
        assert!(on(name).is_empty(), "{name}: {:?}", on(name));
    }
    assert_eq!(findings.len(), 6, "{findings:#?}");
    // Nothing else is said of targets that are not read: no SEC312, no NET230.
    assert!(findings.iter().all(|f| f.rule_id == "LOG004"));

    // A region whose functions were not all listed says nothing of a missing one.
    collected.regions[0].functions_partial = true;
    let partial = target_run(&collected);
    assert!(
        partial
            .iter()
            .all(|f| !f.message.contains("does not exist")),
        "{partial:#?}"
    );
    assert_eq!(partial.len(), 5);
}

#[test]
fn the_objects_lambda_writes_for_failed_events() {
    let key = targets::object_written("arn:aws:s3:::b", Some("uuid-1"), "f");
    assert!(
        key.starts_with("arn:aws:s3:::b/aws/lambda/uuid-1/"),
        "{key}"
    );
    let key = targets::object_written("arn:aws:s3:::b", None, "f");
    assert!(
        key.starts_with("arn:aws:s3:::b/aws/lambda/async/f/"),
        "{key}"
    );
    let mut errors = Vec::new();
    let mut loc = Locator::default();
    let may = |resource: &str, loc: &mut Locator, errors: &mut Vec<CallError>| {
        let st =
            format!(r#"[{{"Effect":"Allow","Action":"s3:PutObject","Resource":"{resource}"}}]"#);
        let role = role::role_model(&role_data("arn:aws:iam::1:role/r", &st), loc, errors);
        targets::role_may(&role, "s3:PutObject", &key)
    };
    for (resource, allowed) in [
        ("arn:aws:s3:::b/*", true),
        ("arn:aws:s3:::b/aws/lambda/*", true),
        ("arn:aws:s3:::*", true),
        ("arn:aws:s3:::b", false),
        ("arn:aws:s3:::b/uploads/*", false),
        ("arn:aws:s3:::other/*", false),
    ] {
        assert_eq!(
            may(resource, &mut loc, &mut errors),
            Some(allowed),
            "{resource}"
        );
    }
    assert!(errors.is_empty());
}

#[test]
fn what_a_role_may_send_to() {
    let mut errors = Vec::new();
    let mut loc = Locator::default();
    let role = |statements: &str, loc: &mut Locator, errors: &mut Vec<CallError>| {
        role::role_model(&role_data("arn:aws:iam::1:role/r", statements), loc, errors)
    };
    let q = "arn:aws:sqs:us-east-1:1:dlq";
    let may = |st: &str, loc: &mut Locator, errors: &mut Vec<CallError>| {
        targets::role_may(&role(st, loc, errors), "sqs:SendMessage", q)
    };
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(true)
    );
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(true)
    );
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","NotAction":"sqs:*","Resource":"*"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(false)
    );
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","Action":"sqs:SendMessage","NotResource":"arn:aws:sqs:*:*:dlq"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(false)
    );
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:1:other"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(false)
    );
    // A conditional Deny may not apply; a conditional Allow may.
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]"#,
            &mut loc,
            &mut errors
        ),
        Some(true)
    );
    assert_eq!(
        may(
            r#"[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:Send*","Resource":"*"}]"#,
            &mut loc,
            &mut errors
        ),
        Some(false)
    );
    // A managed policy the table does not know leaves the answer open.
    let mut r = role(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]"#,
        &mut loc,
        &mut errors,
    );
    r.managed_policies.push(Spanned {
        value: "arn:aws:iam::1:policy/custom".into(),
        pos: r.pos,
    });
    assert_eq!(targets::role_may(&r, "sqs:SendMessage", q), None);
    assert!(errors.is_empty());
}
