//! Function runtime support schedules: AWS Lambda, Google Cloud Functions and Azure
//! Functions, each with the day a runtime stops getting security patches (deprecation), the
//! day the provider stops deploying it (decommission, where published) and what to move to.
//!
//! Taken on [`TAKEN`] from the providers' published schedules:
//! - AWS Lambda: the "deprecation date" column of
//!   https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Block function
//!   update" is the decommission).
//! - Google Cloud Functions (1st gen and Cloud Run functions, same runtime ids): the
//!   deprecation and decommission columns of
//!   https://cloud.google.com/functions/docs/runtime-support.
//! - Azure Functions: language versions end with their community end of life
//!   (https://learn.microsoft.com/azure/azure-functions/language-support-policy), runtime host
//!   versions `~2`/`~3` ended 2022-12-13 and `~1` 2026-09-14
//!   (https://learn.microsoft.com/azure/azure-functions/functions-versions).
//!
//! Runtimes whose end the provider had not published when the table was taken are absent
//! and never reported.

use crate::model::Cloud;

/// When the schedules below were taken from the providers' pages.
pub const TAKEN: &str = "2026-12-06";

/// One runtime's end of support on one cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeEnd {
    pub cloud: Cloud,
    /// The runtime as templates write it: `python3.8` (Lambda), `python38` (Google),
    /// `python|3.8` (Azure language stack), `~3` (Azure Functions host version).
    pub runtime: &'static str,
    /// From this day (`YYYY-MM-DD`) it gets no security patches.
    pub deprecated: &'static str,
    /// From this day the provider refuses to deploy it, when published.
    pub decommissioned: Option<&'static str>,
    /// What to move to.
    pub replacement: &'static str,
}

const fn end(
    cloud: Cloud,
    runtime: &'static str,
    deprecated: &'static str,
    decommissioned: Option<&'static str>,
    replacement: &'static str,
) -> RuntimeEnd {
    RuntimeEnd {
        cloud,
        runtime,
        deprecated,
        decommissioned,
        replacement,
    }
}

/// A runtime as a message names it: Azure's language stacks (`python|3.7`, keyed the way
/// the table is) read as `python 3.7`; the other ids are the templates' own spelling.
pub fn display(runtime: &str) -> std::borrow::Cow<'_, str> {
    match runtime.split_once('|') {
        Some((language, version)) => format!("{language} {version}").into(),
        None => runtime.into(),
    }
}

/// Google Cloud Functions and Azure Functions schedules.
pub const OTHER_CLOUDS: &[RuntimeEnd] = &[
    end(
        Cloud::Google,
        "nodejs6",
        "2019-04-17",
        Some("2020-08-05"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs8",
        "2020-06-05",
        Some("2021-02-05"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs10",
        "2024-01-30",
        Some("2025-01-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs12",
        "2024-01-30",
        Some("2025-01-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs14",
        "2024-01-30",
        Some("2025-01-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs16",
        "2024-01-30",
        Some("2025-01-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs18",
        "2025-04-30",
        Some("2025-10-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "nodejs20",
        "2026-04-30",
        Some("2026-10-30"),
        "nodejs22",
    ),
    end(
        Cloud::Google,
        "python37",
        "2024-01-30",
        Some("2025-01-30"),
        "python313",
    ),
    end(
        Cloud::Google,
        "python38",
        "2024-10-14",
        Some("2025-10-14"),
        "python313",
    ),
    end(
        Cloud::Google,
        "go111",
        "2024-01-30",
        Some("2025-01-30"),
        "go123",
    ),
    end(
        Cloud::Google,
        "go113",
        "2024-01-30",
        Some("2025-01-30"),
        "go123",
    ),
    end(
        Cloud::Google,
        "go116",
        "2024-01-30",
        Some("2025-01-30"),
        "go123",
    ),
    end(
        Cloud::Google,
        "ruby26",
        "2024-01-30",
        Some("2025-01-30"),
        "ruby33",
    ),
    end(
        Cloud::Google,
        "ruby27",
        "2024-01-30",
        Some("2025-01-30"),
        "ruby33",
    ),
    end(
        Cloud::Google,
        "php74",
        "2024-01-30",
        Some("2025-01-30"),
        "php83",
    ),
    end(
        Cloud::Google,
        "dotnet3",
        "2024-01-30",
        Some("2025-01-30"),
        "dotnet8",
    ),
    end(Cloud::Azure, "~1", "2026-09-14", None, "~4"),
    end(Cloud::Azure, "~2", "2022-12-13", None, "~4"),
    end(Cloud::Azure, "~3", "2022-12-13", None, "~4"),
    end(
        Cloud::Azure,
        "python|3.6",
        "2021-12-23",
        None,
        "python|3.12",
    ),
    end(
        Cloud::Azure,
        "python|3.7",
        "2023-06-27",
        None,
        "python|3.12",
    ),
    end(
        Cloud::Azure,
        "python|3.8",
        "2024-10-07",
        None,
        "python|3.12",
    ),
    end(
        Cloud::Azure,
        "python|3.9",
        "2025-10-31",
        None,
        "python|3.12",
    ),
    end(Cloud::Azure, "node|8", "2019-12-31", None, "node|22"),
    end(Cloud::Azure, "node|10", "2021-04-30", None, "node|22"),
    end(Cloud::Azure, "node|12", "2022-04-30", None, "node|22"),
    end(Cloud::Azure, "node|14", "2023-04-30", None, "node|22"),
    end(Cloud::Azure, "node|16", "2023-09-11", None, "node|22"),
    end(Cloud::Azure, "node|18", "2025-04-30", None, "node|22"),
    end(Cloud::Azure, "node|20", "2026-04-30", None, "node|22"),
    end(Cloud::Azure, "dotnet|2.2", "2019-12-23", None, "dotnet|8.0"),
    end(Cloud::Azure, "dotnet|3.1", "2022-12-13", None, "dotnet|8.0"),
    end(Cloud::Azure, "dotnet|5.0", "2022-05-10", None, "dotnet|8.0"),
    end(Cloud::Azure, "dotnet|6.0", "2024-11-12", None, "dotnet|8.0"),
    end(Cloud::Azure, "dotnet|7.0", "2024-05-14", None, "dotnet|8.0"),
    end(
        Cloud::Azure,
        "powershell|6",
        "2020-09-04",
        None,
        "powershell|7.4",
    ),
    end(
        Cloud::Azure,
        "powershell|7.0",
        "2022-12-03",
        None,
        "powershell|7.4",
    ),
    end(
        Cloud::Azure,
        "powershell|7.2",
        "2024-11-08",
        None,
        "powershell|7.4",
    ),
];

/// The end of support of `runtime` on `cloud`, if it is deprecated on or before `today`.
pub fn ended(cloud: Cloud, runtime: &str, today: &str) -> Option<RuntimeEnd> {
    let runtime = runtime.trim();
    if cloud == Cloud::Aws {
        return DEPRECATIONS
            .iter()
            .find(|(r, _, _)| r.eq_ignore_ascii_case(runtime))
            .filter(|(_, date, _)| *date <= today)
            .map(|&(r, date, next)| end(Cloud::Aws, r, date, None, next));
    }
    OTHER_CLOUDS
        .iter()
        .find(|e| e.cloud == cloud && e.runtime.eq_ignore_ascii_case(runtime))
        .filter(|e| e.deprecated <= today)
        .copied()
}

/// An Azure language stack as `language|version`, the way `linux_fx_version` writes it,
/// from the setting that names it (`python_version = "3.7"`, `node_version = "~12"`,
/// `dotnet_version = "v6.0"`, `PYTHON|3.7`).
pub fn azure_stack(language: &str, version: &str) -> String {
    let version = version.trim().trim_start_matches(['~', 'v', 'V']);
    let version = version.strip_suffix("-lts").unwrap_or(version);
    let version = match language {
        // Node and PowerShell majors are written `12`, `12.x`, `7`; .NET as `6.0`.
        "node" => version.split('.').next().unwrap_or(version).to_string(),
        "dotnet" if !version.contains('.') => format!("{version}.0"),
        _ => version.to_string(),
    };
    format!("{}|{version}", language.to_ascii_lowercase())
}

/// AWS Lambda: `(runtime identifier, deprecation date YYYY-MM-DD, what to move to)`.
pub const DEPRECATIONS: &[(&str, &str, &str)] = &[
    ("nodejs", "2016-10-31", "nodejs22.x"),
    ("nodejs4.3", "2020-03-05", "nodejs22.x"),
    ("nodejs4.3-edge", "2019-04-30", "nodejs22.x"),
    ("nodejs6.10", "2019-08-12", "nodejs22.x"),
    ("nodejs8.10", "2020-03-06", "nodejs22.x"),
    ("nodejs10.x", "2021-07-30", "nodejs22.x"),
    ("nodejs12.x", "2023-03-31", "nodejs22.x"),
    ("nodejs14.x", "2023-12-04", "nodejs22.x"),
    ("nodejs16.x", "2024-06-12", "nodejs22.x"),
    ("nodejs18.x", "2025-09-01", "nodejs22.x"),
    ("nodejs20.x", "2026-04-30", "nodejs22.x"),
    ("python2.7", "2021-07-15", "python3.13"),
    ("python3.6", "2022-07-18", "python3.13"),
    ("python3.7", "2023-12-04", "python3.13"),
    ("python3.8", "2024-10-14", "python3.13"),
    ("python3.9", "2025-12-15", "python3.13"),
    ("java8", "2024-01-08", "java21"),
    ("dotnetcore1.0", "2019-07-30", "dotnet8"),
    ("dotnetcore2.0", "2019-05-30", "dotnet8"),
    ("dotnetcore2.1", "2022-01-05", "dotnet8"),
    ("dotnetcore3.1", "2023-04-03", "dotnet8"),
    ("dotnet5.0", "2022-05-10", "dotnet8"),
    ("dotnet6", "2024-12-20", "dotnet8"),
    ("dotnet7", "2024-05-14", "dotnet8"),
    ("ruby2.5", "2022-03-31", "ruby3.4"),
    ("ruby2.7", "2023-12-07", "ruby3.4"),
    ("ruby3.2", "2026-03-31", "ruby3.4"),
    ("go1.x", "2024-01-08", "provided.al2023"),
    ("provided", "2024-01-08", "provided.al2023"),
];

/// The deprecation entry of a runtime, if it is deprecated on or before `today` (`YYYY-MM-DD`).
pub fn deprecated(runtime: &str, today: &str) -> Option<(&'static str, &'static str)> {
    ended(Cloud::Aws, runtime, today).map(|e| (e.deprecated, e.replacement))
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    civil_from_days(secs.div_euclid(86_400))
}

/// The UTC day of a Unix time in seconds, as `YYYY-MM-DD`.
pub fn date_of(secs: i64) -> String {
    civil_from_days(secs.div_euclid(86_400))
}

/// Howard Hinnant's days-to-civil conversion.
fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_lookups() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_000), "2024-10-04");
        assert_eq!(
            deprecated("python3.8", "2025-01-01"),
            Some(("2024-10-14", "python3.13"))
        );
        assert_eq!(deprecated("python3.9", "2025-01-01"), None);
        assert_eq!(deprecated("python3.12", "2030-01-01"), None);
    }

    #[test]
    fn google_and_azure_schedules() {
        let e = ended(Cloud::Google, "python37", "2026-01-01").unwrap();
        assert_eq!(
            (e.deprecated, e.decommissioned),
            ("2024-01-30", Some("2025-01-30"))
        );
        assert!(ended(Cloud::Google, "python312", "2026-01-01").is_none());
        assert!(ended(Cloud::Google, "nodejs20", "2026-01-01").is_none());
        assert!(ended(Cloud::Azure, "~3", "2026-01-01").is_some());
        assert!(ended(Cloud::Azure, "~4", "2026-01-01").is_none());
        assert_eq!(azure_stack("python", "3.7"), "python|3.7");
        assert_eq!(azure_stack("node", "~12"), "node|12");
        assert_eq!(azure_stack("node", "12-lts"), "node|12");
        assert_eq!(azure_stack("dotnet", "v6.0"), "dotnet|6.0");
        assert_eq!(azure_stack("dotnet", "3.1"), "dotnet|3.1");
        assert!(ended(Cloud::Azure, &azure_stack("python", "3.7"), "2026-01-01").is_some());
    }

    #[test]
    fn messages_name_azure_stacks_as_people_write_them() {
        assert_eq!(display("python|3.7"), "python 3.7");
        assert_eq!(display("dotnet|6.0"), "dotnet 6.0");
        assert_eq!(display("python37"), "python37");
        assert_eq!(display("~3"), "~3");
    }
}
