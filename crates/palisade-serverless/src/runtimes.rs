//! Lambda runtime deprecation dates.
//!
//! Dates are the "deprecation date" column of the AWS Lambda runtimes page
//! (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): from that day a
//! runtime gets no security patches. Runtimes whose date AWS had not published when this
//! table was written are absent and never reported.

/// `(runtime identifier, deprecation date YYYY-MM-DD, what to move to)`.
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
    DEPRECATIONS
        .iter()
        .find(|(r, _, _)| r.eq_ignore_ascii_case(runtime))
        .filter(|(_, date, _)| *date <= today)
        .map(|(_, date, next)| (*date, *next))
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
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
}
