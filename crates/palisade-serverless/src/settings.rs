//! The `[serverless]` table of `palisade.toml`: thresholds of the COLD, LOG and FN rules,
//! and what the platform rules may take as enforced elsewhere.

/// Thresholds the serverless rules use; every field has a default.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerlessSettings {
    /// COLD001 reports timeouts above this many seconds (denial of wallet).
    pub max_timeout_seconds: i64,
    /// LOG002 reports log retention shorter than this many days.
    pub min_log_retention_days: i64,
    /// COLD004 reports memory below this many MB.
    pub min_memory_mb: i64,
    /// COLD004 reports memory above this many MB.
    pub max_memory_mb: i64,
    /// COLD003 reports runtimes whose deprecation date is before this day (`YYYY-MM-DD`);
    /// `None` uses today.
    pub runtime_cutoff: Option<String>,
    /// FN010 reports a deployed role with broad permissions that has not been used for at
    /// least this many days.
    pub unused_role_days: i64,
    /// FN011 does not report layers published by these accounts (a vendor's or the
    /// organization's shared layer account).
    pub trusted_layer_accounts: Vec<String>,
    /// Pod admission on the managed clusters is enforced by another engine (`palisade
    /// serve`, Kyverno, Gatekeeper): ISO102 does not ask for the cloud's policy add-on.
    pub external_admission_control: bool,
}

impl Default for ServerlessSettings {
    fn default() -> Self {
        ServerlessSettings {
            max_timeout_seconds: 300,
            min_log_retention_days: 30,
            min_memory_mb: 128,
            max_memory_mb: 4096,
            runtime_cutoff: None,
            unused_role_days: 90,
            trusted_layer_accounts: Vec::new(),
            external_admission_control: false,
        }
    }
}

/// A `[serverless]` setting with the wrong type or an unknown name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("palisade.toml [serverless]: {0}")]
pub struct SettingsError(pub String);

impl ServerlessSettings {
    /// Reads the `[serverless]` table; unknown keys are errors so typos do not go unnoticed.
    pub fn from_table(table: &toml::Table) -> Result<Self, SettingsError> {
        let mut s = ServerlessSettings::default();
        for (key, value) in table {
            let int = || {
                value
                    .as_integer()
                    .ok_or_else(|| SettingsError(format!("`{key}` must be an integer")))
            };
            match key.as_str() {
                "max_timeout_seconds" => s.max_timeout_seconds = int()?,
                "min_log_retention_days" => s.min_log_retention_days = int()?,
                "min_memory_mb" => s.min_memory_mb = int()?,
                "max_memory_mb" => s.max_memory_mb = int()?,
                "unused_role_days" => s.unused_role_days = int()?.max(0),
                "external_admission_control" => {
                    s.external_admission_control = value.as_bool().ok_or_else(|| {
                        SettingsError("`external_admission_control` must be true or false".into())
                    })?
                }
                "trusted_layer_accounts" => {
                    s.trusted_layer_accounts = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|v| v.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| {
                            SettingsError(
                                "`trusted_layer_accounts` must be a list of account ids".into(),
                            )
                        })?
                }
                "runtime_cutoff" => {
                    s.runtime_cutoff = Some(
                        value
                            .as_str()
                            .ok_or_else(|| {
                                SettingsError("`runtime_cutoff` must be a date string".into())
                            })?
                            .to_string(),
                    )
                }
                other => return Err(SettingsError(format!("unknown setting `{other}`"))),
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_thresholds_and_rejects_typos() {
        let t: toml::Table =
            toml::from_str("max_timeout_seconds = 60\nmin_log_retention_days = 90").unwrap();
        let s = ServerlessSettings::from_table(&t).unwrap();
        assert_eq!(s.max_timeout_seconds, 60);
        assert_eq!(s.min_log_retention_days, 90);
        assert!(!s.external_admission_control);
        let t: toml::Table = toml::from_str("external_admission_control = true").unwrap();
        assert!(
            ServerlessSettings::from_table(&t)
                .unwrap()
                .external_admission_control
        );
        let t: toml::Table = toml::from_str("external_admission_control = \"yes\"").unwrap();
        assert!(ServerlessSettings::from_table(&t)
            .unwrap_err()
            .to_string()
            .contains("true or false"));
        let bad: toml::Table = toml::from_str("max_timout = 1").unwrap();
        assert!(ServerlessSettings::from_table(&bad)
            .unwrap_err()
            .to_string()
            .contains("max_timout"));
    }
}
