//! The layered image of the language-package tests and of the README's `--list-packages`
//! example, built with the image crate's test helpers (`image_builder` in the test that
//! includes this file).

// Each test that includes this file uses part of it.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::Path;

use crate::image_builder::{TestImage, E};

pub fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// `shop.war` with its own pom.properties and log4j-core in WEB-INF/lib.
pub fn war() -> Vec<u8> {
    let log4j = jar(&[(
        "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        b"groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
    )]);
    jar(&[
        (
            "META-INF/maven/com.example/shop/pom.properties",
            b"groupId=com.example\nartifactId=shop\nversion=1.0.0\n",
        ),
        ("WEB-INF/lib/log4j-core-2.14.1.jar", &log4j),
    ])
}

pub const SITE: &str = "usr/lib/python3/site-packages";

pub fn metadata(name: &str, version: &str) -> Vec<u8> {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nlong description\n")
        .into_bytes()
}

/// `app.tar`: three layers writing every format (Python, npm, RubyGems, Composer, NuGet,
/// Maven archives, a Gemfile.lock), one deleting a package and one overwriting another.
pub fn layered_image(path: &Path) {
    let broken = jar(&[("META-INF/MANIFEST.MF", b"Implementation-Version: 1\n")]);
    let broken = broken[..broken.len() / 2].to_vec();
    TestImage::new()
        .layer(
            "ADD rootfs /",
            &[
                E::File(
                    "etc/os-release",
                    b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                        .to_vec(),
                ),
                E::File(
                    "usr/lib/python3/site-packages/requests-2.19.0.dist-info/METADATA",
                    metadata("requests", "2.19.0"),
                ),
                E::File(
                    "usr/lib/python3/site-packages/urllib3-1.26.0.dist-info/METADATA",
                    metadata("urllib3", "1.26.0"),
                ),
                E::File(
                    "usr/lib/python3/site-packages/six-1.16.0.egg-info",
                    metadata("six", "1.16.0"),
                ),
                E::File(
                    "app/node_modules/lodash/package.json",
                    br#"{"name":"lodash","version":"4.17.20"}"#.to_vec(),
                ),
                E::File(
                    "app/node_modules/@types/node/package.json",
                    br#"{"name":"@types/node","version":"20.1.0"}"#.to_vec(),
                ),
                E::File(
                    "app/node_modules/workspace-app/package.json",
                    br#"{"name":"workspace-app","version":"1.0.0","private":true}"#.to_vec(),
                ),
                E::File(
                    "var/lib/gems/3.1.0/specifications/rack-2.2.4.gemspec",
                    b"Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.4\"\nend\n".to_vec(),
                ),
                E::File(
                    "srv/www/vendor/composer/installed.json",
                    br#"{"packages":[{"name":"monolog/monolog","version":"2.9.1"}]}"#.to_vec(),
                ),
                E::File(
                    "opt/api/Api.deps.json",
                    br#"{"libraries":{"Api/1.0.0":{"type":"project"},"Newtonsoft.Json/13.0.1":{"type":"package"}}}"#.to_vec(),
                ),
            ],
        )
        .layer(
            "RUN pip uninstall -y requests && cp shop.war broken.jar /srv/",
            &[
                E::File(
                    "usr/lib/python3/site-packages/.wh.requests-2.19.0.dist-info",
                    vec![],
                ),
                E::File("srv/shop.war", war()),
                E::File("srv/broken.jar", broken),
                E::File(
                    "srv/Gemfile.lock",
                    b"GEM\n  remote: https://rubygems.org/\n  specs:\n    sinatra (3.0.0)\n\nDEPENDENCIES\n  sinatra\n"
                        .to_vec(),
                ),
            ],
        )
        .layer(
            "RUN npm install lodash@4.17.21",
            &[E::File(
                "app/node_modules/lodash/package.json",
                br#"{"name":"lodash","version":"4.17.21"}"#.to_vec(),
            )],
        )
        .docker_archive(path);
}
