pub fn all() -> Vec<&'static palisade_core::RuleMeta> {
    vec![]
}
pub fn check(_e: &crate::Engine) -> Vec<palisade_core::Finding> {
    vec![]
}
