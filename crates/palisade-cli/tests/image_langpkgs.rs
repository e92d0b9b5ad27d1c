//! Language packages installed in images: every format in one layered image (and the same
//! files as a root filesystem), whiteouts and overwrites applied, each package with its
//! layer; nested jars matched against the OSV database by `palisade image`, and jars found
//! by `palisade scan`.

use crate::image_builder;
use crate::langpkg_image;

use std::path::Path;
use std::process::{Command, Output};

use image_builder::{TestImage, E};
use langpkg_image::{jar, layered_image, metadata, war, SITE};

fn palisade(args: &[&str], db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .env("PALISADE_DB", db)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `--list-packages` lines that are language packages: (name, version, layer, ecosystem, path).
fn listed(stderr: &str) -> Vec<String> {
    let mut v: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() == 6 && f[2] == "layer")
        .map(|f| format!("{} {} {} {} {}", f[0], f[1], f[3], f[4], f[5..].join(" ")))
        .collect();
    v.sort();
    v
}

/// The report's warnings that name `needle`; exactly one is expected.
fn warnings_naming<'a>(doc: &'a serde_json::Value, needle: &str) -> Vec<&'a str> {
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains(needle))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", doc["warnings"]);
    warnings
}

#[test]
fn every_format_with_its_layer_and_only_what_the_final_view_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    layered_image(&archive);
    let absent_db = dir.path().join("none.db");
    let out = palisade(
        &[
            "image",
            archive.to_str().unwrap(),
            "--list-packages",
            "-f",
            "json",
        ],
        &absent_db,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        listed(&stderr),
        [
            "@types/node 20.1.0 1 npm /app/node_modules/@types/node/package.json",
            "Newtonsoft.Json 13.0.1 1 NuGet /opt/api/Api.deps.json",
            "com.example:shop 1.0.0 2 Maven /srv/shop.war",
            "lodash 4.17.21 3 npm /app/node_modules/lodash/package.json",
            "monolog/monolog 2.9.1 1 Packagist /srv/www/vendor/composer/installed.json",
            "org.apache.logging.log4j:log4j-core 2.14.1 2 Maven /srv/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar",
            "rack 2.2.4 1 RubyGems /var/lib/gems/3.1.0/specifications/rack-2.2.4.gemspec",
            "sinatra 3.0.0 2 RubyGems /srv/Gemfile.lock",
            "six 1.16.0 1 PyPI /usr/lib/python3/site-packages/six-1.16.0.egg-info",
            "urllib3 1.26.0 1 PyPI /usr/lib/python3/site-packages/urllib3-1.26.0.dist-info/METADATA",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("10 language packages"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("app.tar:/srv/broken.jar"));
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a readable Java archive"));
    assert!(doc["warnings"].as_array().unwrap().iter().any(|w| w
        .as_str()
        .unwrap()
        .contains("10 language packages were not checked")));
}

#[test]
fn installed_packages_are_matched_with_their_layer() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    layered_image(&archive);
    let db = dir.path().join("osv.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/langpkg-osv");
    let imported = palisade(&["db", "import", fixtures.to_str().unwrap()], &db);
    assert!(imported.status.success(), "{imported:?}");
    let out = palisade(
        &["image", archive.to_str().unwrap(), "-f", "json", "-q"],
        &db,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let dep: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["practice"] == "DEP")
        .collect();
    let mut seen: Vec<String> = dep
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule_id"].as_str().unwrap(),
                f["package"]["name"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap()
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "GHSA-lang-pkg0-0001 urllib3 /usr/lib/python3/site-packages/urllib3-1.26.0.dist-info/METADATA",
            "GHSA-lang-pkg0-0002 org.apache.logging.log4j:log4j-core /srv/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar",
        ]
    );
    for f in dep {
        assert!(f["location"]["layer"]
            .as_str()
            .is_some_and(|l| l.starts_with("sha256:")));
    }
}

#[test]
fn a_root_filesystem_lists_the_same_formats() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let put = |rel: &str, data: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    };
    put(
        &format!("{SITE}/flask-2.0.0.dist-info/METADATA"),
        &metadata("Flask", "2.0.0"),
    );
    put(
        "app/node_modules/express/package.json",
        br#"{"name":"express","version":"4.18.2"}"#,
    );
    put("srv/shop.war", &war());
    let out = palisade(
        &[
            "image",
            "--rootfs",
            root.to_str().unwrap(),
            "--list-packages",
        ],
        &dir.path().join("none.db"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        listed(&stderr),
        [
            "Flask 2.0.0 1 PyPI /usr/lib/python3/site-packages/flask-2.0.0.dist-info/METADATA",
            "com.example:shop 1.0.0 1 Maven /srv/shop.war",
            "express 4.18.2 1 npm /app/node_modules/express/package.json",
            "org.apache.logging.log4j:log4j-core 2.14.1 1 Maven /srv/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar",
        ],
        "{stderr}"
    );
}

#[test]
fn scan_and_sbom_read_java_archives_in_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(root.join("lib/shop.war"), war()).unwrap();
    std::fs::write(root.join("lib/broken.jar"), b"PK\x03\x04 truncated").unwrap();
    // a Gradle-built jar: no pom.properties, the manifest names no version, the file name
    // gives it
    std::fs::write(
        root.join("lib/commons-text-1.9.jar"),
        jar(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Title: commons-text\r\nImplementation-Vendor-Id: org.apache.commons\r\n",
        )]),
    )
    .unwrap();
    // no version anywhere: listed without one, and the report says it is unchecked
    std::fs::write(
        root.join("lib/payments.jar"),
        jar(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Vendor-Id: com.example\r\n",
        )]),
    )
    .unwrap();
    let out = palisade(
        &["sbom", root.to_str().unwrap(), "--format", "cyclonedx"],
        &dir.path().join("none.db"),
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut purls: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    purls.sort();
    assert_eq!(
        purls,
        [
            "pkg:maven/com.example/payments",
            "pkg:maven/com.example/shop@1.0.0",
            "pkg:maven/org.apache.commons/commons-text@1.9",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("lib/broken.jar: not a readable Java archive"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: lib/payments.jar: no version for com.example:payments"),
        "{stderr}"
    );

    let db = dir.path().join("osv.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/langpkg-osv");
    assert!(palisade(&["db", "import", fixtures.to_str().unwrap()], &db)
        .status
        .success());
    let out = palisade(&["scan", root.to_str().unwrap(), "-f", "json"], &db);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["practice"] == "DEP")
        .map(|f| {
            format!(
                "{} {}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "GHSA-lang-pkg0-0003 lib/commons-text-1.9.jar",
            "GHSA-lang-pkg0-0002 lib/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar"
        ]
    );
    let warnings = warnings_naming(&doc, "payments");
    assert!(
        warnings[0].contains("not checked for vulnerabilities"),
        "{warnings:?}"
    );
}

#[test]
fn the_image_sbom_lists_language_packages_with_path_and_layer() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    layered_image(&archive);
    let out = palisade(
        &[
            "sbom",
            archive.to_str().unwrap(),
            "--image",
            "--format",
            "cyclonedx",
        ],
        &dir.path().join("none.db"),
    );
    // The broken jar is an error (exit 2); the SBOM of everything else is still written.
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let components = doc["components"].as_array().unwrap();
    let find = |purl: &str| {
        components
            .iter()
            .find(|c| c["purl"].as_str() == Some(purl))
            .unwrap_or_else(|| panic!("{purl} not in {components:#?}"))
    };
    let property = |c: &serde_json::Value, name: &str| {
        c["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["value"].as_str().map(str::to_string))
    };
    let lodash = find("pkg:npm/lodash@4.17.21");
    assert_eq!(
        property(lodash, "palisade:layer-index").as_deref(),
        Some("3")
    );
    assert_eq!(
        property(lodash, "palisade:path").as_deref(),
        Some("/app/node_modules/lodash/package.json")
    );
    find("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    // Deleted by a whiteout in a later layer: not installed.
    assert!(!components
        .iter()
        .any(|c| c["name"].as_str() == Some("requests")));
}

#[test]
fn an_image_jar_without_any_version_is_listed_and_said_to_be_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("tool.tar");
    TestImage::new()
        .layer(
            "COPY payments.jar /opt/",
            &[
                E::File(
                    "etc/os-release",
                    b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                        .to_vec(),
                ),
                E::File(
                    "opt/payments.jar",
                    jar(&[(
                        "META-INF/MANIFEST.MF",
                        b"Manifest-Version: 1.0\r\nImplementation-Vendor-Id: com.example\r\n",
                    )]),
                ),
            ],
        )
        .docker_archive(&archive);
    let absent_db = dir.path().join("none.db");
    let out = palisade(
        &["image", archive.to_str().unwrap(), "-f", "json"],
        &absent_db,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let warnings = warnings_naming(&doc, "/opt/payments.jar");
    assert!(
        warnings[0].contains("no version for com.example:payments")
            && warnings[0].contains("not checked for vulnerabilities"),
        "{warnings:?}"
    );

    let out = palisade(
        &[
            "sbom",
            archive.to_str().unwrap(),
            "--image",
            "--format",
            "cyclonedx",
        ],
        &absent_db,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["purl"] == "pkg:maven/com.example/payments"),
        "{doc:#}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("/opt/payments.jar: no version"),
        "{stderr}"
    );
}
