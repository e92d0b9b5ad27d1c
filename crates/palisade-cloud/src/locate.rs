//! Where a live finding points. The serverless rules locate findings by a position in a
//! template; for live resources each position handed to the model is a ticket into this
//! table, and [`Locator::relocate`] turns it back into the ARN and the API field.

use palisade_core::Location;
use palisade_serverless::value::Pos;

#[derive(Debug, Default)]
pub(crate) struct Locator {
    places: Vec<(String, Option<String>)>,
}

impl Locator {
    /// A position standing for `field` of the resource `arn` (`None`: the resource itself).
    pub fn pos(&mut self, arn: &str, field: Option<&str>) -> Pos {
        self.places
            .push((arn.to_string(), field.map(str::to_string)));
        Pos {
            line: u32::try_from(self.places.len()).unwrap_or(u32::MAX),
            column: 1,
        }
    }

    /// Replaces a template-style location with the ARN and field it stands for.
    pub fn relocate(&self, location: &mut Location) {
        let Some(line) = location.line else { return };
        let Some((arn, field)) = line
            .checked_sub(1)
            .and_then(|i| self.places.get(i as usize))
        else {
            return;
        };
        location.path = arn.clone();
        location.field = field.clone();
        location.line = None;
        location.column = None;
        if location.resource.as_deref() == Some(arn.as_str()) {
            location.resource = None;
        }
    }
}
