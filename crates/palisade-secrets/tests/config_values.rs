//! Values of maps whose keys need not say what they hold (a Kubernetes ConfigMap's
//! `data`): known formats and high-entropy tokens are secrets whatever the key; URLs,
//! host names, flags, blobs, UUIDs, labelled digests and base64 of harmless text are not.
//! A finding carries a preview and a fingerprint, never the value.

use palisade_secrets::{fingerprint, scan_config_value};

#[test]
fn tokens_and_known_formats_are_found_under_any_key() {
    let cases = [
        ("UPSTREAM", "q8Zr2LmX7vT4nW9kP3sY6dF1", "High-entropy token"),
        (
            "signing",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            "High-entropy token",
        ),
        (
            "PAYMENTS",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "Stripe live secret or restricted key",
        ),
        (
            "ci",
            "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",
            "GitHub personal access token (classic)",
        ),
    ];
    for (key, value, title) in cases {
        let found = scan_config_value(key, value);
        assert_eq!(found.len(), 1, "{key}: {value}");
        let m = &found[0];
        assert!(m.title.starts_with(title), "{key}: {}", m.title);
        assert_eq!((m.start, m.end), (0, value.len()));
        assert_eq!(m.fingerprint, fingerprint(value.as_bytes()));
        assert!(!m.preview.contains(&value[4..]), "{}", m.preview);
    }
}

#[test]
fn base64_is_judged_by_the_text_it_encodes() {
    // base64 of `SMTP_PASSWORD=Zk8#qLw2vR9pTz`
    let encoded = "U01UUF9QQVNTV09SRD1aazgjcUx3MnZSOXBUeg==";
    let found = scan_config_value("mail.env", encoded);
    assert_eq!(found.len(), 1);
    assert!(found[0].title.ends_with("(base64-encoded)"));
    assert_eq!(found[0].fingerprint, fingerprint(encoded.as_bytes()));
    assert!(!found[0].preview.contains("aazgjcUx3"));
    // base64 of `Welcome to the shop! Open 9-5.`
    assert!(scan_config_value("BANNER", "V2VsY29tZSB0byB0aGUgc2hvcCEgT3BlbiA5LTUu").is_empty());
}

#[test]
fn ordinary_configuration_is_not_a_secret() {
    for (key, value) in [
        ("API_URL", "https://api.internal.example.org/v1/orders"),
        ("DB_HOST", "db-primary.shop.svc.cluster.local"),
        ("FEATURE_NEW_CHECKOUT", "true"),
        ("FEATURE_FLAG_NAME", "enableNewCheckoutFlow2024"),
        ("SERVICE_NAME", "checkout-service-v2-production"),
        ("TENANT", "3636dd46-ea21-11e9-81b4-2a2ae2dbcce4"),
        (
            "CONFIG_SHA256",
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        ),
        ("GIT_COMMIT", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),
        ("IMAGE", "registry.example.org/shop/web:1.24.3"),
        (
            "LOG_FORMAT",
            r#"{"level":"info","fields":["ts","msg","trace_id"]}"#,
        ),
        ("MAX_CONNECTIONS", "250"),
        ("RELEASE", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),
        (
            "verification",
            "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
        ),
        (
            "bootstrap_css",
            "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",
        ),
        ("TZ", "Europe/Berlin"),
        ("NODE_OPTIONS", "--max-old-space-size=4096"),
        ("TOPIC", "projects/shop-prod-2024/topics/orders-v2"),
        ("JAVA_OPTS", "-Xmx512m -XX:+UseG1GC -Dfile.encoding=UTF-8"),
        ("API_TOKEN", "${API_TOKEN}"),
        ("CLIENT_SECRET", "{{ .Values.clientSecret }}"),
        ("DB_PASSWORD", "replace_me_with_the_real_key"),
    ] {
        let found = scan_config_value(key, value);
        assert!(found.is_empty(), "{key}: {value}: {found:?}");
    }
}
