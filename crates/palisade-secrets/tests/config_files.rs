//! Secrets in the configuration files a reviewer opens first: Java `.properties`, INI and
//! `.cfg`, `.env`, Spring `application.yml`, Maven `settings.xml` and shell history. A value
//! under a secret-named key is judged on its own merit, quoted or not; placeholders written
//! as words or instructions are not secrets.

use palisade_secrets::Scanner;

/// Lines (1-based) with a finding.
fn lines(path: &str, text: &str) -> Vec<u32> {
    let scanner = Scanner::builtin().unwrap();
    let mut l: Vec<u32> = scanner
        .scan_bytes(path, text.as_bytes())
        .iter()
        .map(|m| m.line)
        .collect();
    l.sort_unstable();
    l.dedup();
    l
}

#[test]
fn java_properties() {
    let text = "\
db.url=jdbc:postgresql://db:5432/app
db.password=Xk8#qLw2vR9pTz
mail.password : hT4$kz9QwL2m
api.secret=nR4tY8uI2oP6aS1d\\
   F5gH9jK3
db.password.placeholder=replace_me_with_the_real_key
admin.password=change-me-in-production
service.token=${SERVICE_TOKEN}
client.secret=put-the-real-secret-here
smtp.password=Pq7#vL2mXk9w\\
";
    // Line 4 continues on line 5: the value is reported where it starts.
    assert_eq!(
        lines("src/main/resources/app.properties", text),
        [2, 3, 4, 10]
    );
}

/// Secrets found in a properties file, as (line, fingerprint of the value).
fn found(path: &str, text: &str) -> Vec<(u32, String)> {
    let scanner = Scanner::builtin().unwrap();
    scanner
        .scan_bytes(path, text.as_bytes())
        .iter()
        .map(|m| (m.line, m.fingerprint.clone()))
        .collect()
}

#[test]
fn java_properties_as_java_util_properties_reads_them() {
    let text = "\
! Mail relay settings\n\
# the password below rotates every 90 days\n\
mail.host smtp.internal.example.org\n\
mail.password   Hk7#vQ2mLx9wZt\n\
db.password=\"Rb5$tW8qLz3n\"\n\
ldap.bind.password = wq8vzkbr3tmx\n\
cache.secret nR4tY8uI2oP6aS1d\\\n\
    F5gH9jK3\n\
ssl.key-store-password=changeit\n\
jwt.secret ${JWT_SECRET}\n\
oauth.client-secret {{ oauth_secret }}\n\
api.token <your token here>\n\
legacy.password replace_me_with_the_real_key\n\
encrypt.key-password change-me-in-production\n\
! old.password Vb7#nM2kQ9wEr\n\
";
    let got = found("conf/app.properties", text);
    let fp = |s: &str| palisade_secrets::fingerprint(s.as_bytes());
    assert_eq!(
        got,
        [
            (4, fp("Hk7#vQ2mLx9wZt")),
            (5, fp("Rb5$tW8qLz3n")),
            (6, fp("wq8vzkbr3tmx")),
            // The continued value is one secret, reported where it starts.
            (7, fp("nR4tY8uI2oP6aS1dF5gH9jK3")),
            // An entry switched off by a comment still holds its secret.
            (15, fp("Vb7#nM2kQ9wEr")),
        ]
    );
    // Outside a properties file, a blank separator needs quotes to be an assignment.
    assert!(found("notes.txt", "mail.password   Hk7#vQ2mLx9wZt\n").is_empty());
}

#[test]
fn ini_cfg_and_env_files() {
    let ini = "[database]\nhost = db\npassword = Vb7#nM2kQ9wEr\n[api]\ntoken = <your token here>\n";
    assert_eq!(lines("setup.cfg", ini), [3]);
    let env = "DB_PASSWORD=Qz5$wR8tYu2Lp\nAPI_KEY=\"default\"\nSECRET_KEY={{ secret_key }}\nJWT_SECRET=nP3xK8vQ2mZ7sW4e\n";
    assert_eq!(lines(".env", env), [1, 4]);
}

#[test]
fn spring_application_yml_and_maven_settings_xml() {
    let yml = "spring:\n  datasource:\n    url: jdbc:mysql://db/app\n    password: Lq9@vB4nX2mT\n  mail:\n    password: replace-with-your-password\n";
    assert_eq!(lines("src/main/resources/application.yml", yml), [4]);
    let xml = "<settings><servers><server><id>nexus</id><username>deploy</username>\n<password>Hy7$kP2wQz9m</password></server>\n<server><password>${env.NEXUS_PASS}</password></server></servers></settings>\n";
    assert_eq!(lines("settings.xml", xml), [2]);
}

#[test]
fn shell_history() {
    let history = "ls -la\nmysql -u root -pTq8zW2vLx9 app\nexport GITHUB_TOKEN=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\ncurl -u admin:Jk3#pQ8wZx2v https://ci.example.org\nexport PASSWORD=$(pass show db)\nmysql -u root -p app\nsshpass -p 'Wd8#kLq2zX' ssh deploy@host\n";
    assert_eq!(lines("home/dev/.bash_history", history), [2, 3, 4, 7]);
}

/// Placeholders written as sentences or instructions, the way templates and samples ask for
/// a value: none is a secret, wherever it is written.
const SENTENCE_PLACEHOLDERS: &[&str] = &[
    "replace_me_with_the_real_key",
    "change-me-in-production",
    "changeMeInProduction",
    "default",
    "<your token here>",
    "<YOUR_API_KEY>",
    "${API_TOKEN}",
    "${env:API_TOKEN}",
    "${{ secrets.API_TOKEN }}",
    "{{ api_token }}",
    "{{.Values.apiToken}}",
    "#{ApiToken}#",
    "__API_TOKEN__",
    "%API_TOKEN%",
    "$(API_TOKEN)",
    "@@API_TOKEN@@",
    "put-your-api-key-here",
    "paste_the_token_here",
    "enter-your-key",
    "please-change-this",
    "please_change_me",
    "change_this_value",
    "changethis",
    "update-me-before-deploying",
    "must-be-changed",
    "set-in-vault",
    "set_via_environment",
    "provided-by-ci",
    "generate-with-openssl-rand-hex-32",
    "ask-the-ops-team",
    "your.api.key.here",
    "REPLACE_WITH_YOUR_KEY",
    "INSERT_KEY_HERE",
    "not-a-real-key-0000",
];

#[test]
fn placeholders_written_as_sentences_are_not_secrets() {
    let scanner = Scanner::builtin().unwrap();
    let mut reported = Vec::new();
    for value in SENTENCE_PLACEHOLDERS {
        let texts = [
            ("app.properties", format!("api.token={value}\n")),
            ("app.properties", format!("api.token {value}\n")),
            (".env", format!("API_TOKEN={value}\n")),
            (".env", format!("API_TOKEN=\"{value}\"\n")),
            ("config.yaml", format!("api_key: '{value}'\n")),
            ("settings.py", format!("SECRET_KEY = \"{value}\"\n")),
            ("config.json", format!("{{\"password\": \"{value}\"}}\n")),
        ];
        for (path, text) in &texts {
            if !scanner.scan_bytes(path, text.as_bytes()).is_empty() {
                reported.push(format!("{path}: {text:?}"));
            }
        }
        for key in ["API_TOKEN", "UPSTREAM"] {
            if !palisade_secrets::scan_config_value(key, value).is_empty() {
                reported.push(format!("ConfigMap {key}: {value:?}"));
            }
        }
    }
    assert!(reported.is_empty(), "{reported:#?}");
}
