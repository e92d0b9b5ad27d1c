//! Why a chart could not be rendered: the chart, the template and line when known, and a
//! message in the words Helm uses, so a user can compare with `helm template`.

/// A chart that could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}: {}",
    palisade_core::text::printable(chart),
    palisade_core::text::printable_lines(message)
)]
pub struct HelmError {
    /// The chart as the user named it (a directory or an archive).
    pub chart: String,
    /// The template file inside the chart (`chart/templates/x.yaml`), when the problem is in one.
    pub template: Option<String>,
    /// The line in that template, when known.
    pub line: Option<u32>,
    /// What went wrong, as Helm says it where it can.
    pub message: String,
}

impl HelmError {
    pub(crate) fn chart(chart: &str, message: impl Into<String>) -> Self {
        HelmError {
            chart: chart.to_string(),
            template: None,
            line: None,
            message: message.into(),
        }
    }
}
