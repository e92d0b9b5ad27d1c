//! User policies as rules: the Gatekeeper ConstraintTemplates (Rego) and constraints a team
//! already runs in its cluster, evaluated offline over the Kubernetes objects of a scan and
//! reported as findings like the built-in rules (`POL:<constraint kind>/<constraint name>`).
//!
//! A [`PolicySet`] is loaded once from files and folders ([`PolicySet::load`]); loading never
//! fails as a whole: a template that does not compile or a constraint that matches no
//! template becomes a [`PolicyError`] naming the file and the policy, and the other policies
//! still run. [`PolicySet::evaluate`] checks objects (already parsed, as JSON values) the way
//! Gatekeeper's admission webhook would (`input.review`, `input.parameters`,
//! `data.inventory` built from the objects); [`check_manifests`] does it for the manifests
//! of a scan and turns violations into located, suppressible findings; [`suite`] runs
//! Gatekeeper `suite.yaml` test files like `gator verify`.
//!
//! CEL policies are evaluated too ([`cel`]): Gatekeeper's `K8sNativeValidation` engine,
//! Kubernetes ValidatingAdmissionPolicies with their bindings, Kyverno ValidatingPolicies
//! and the `validate.cel` rules of Kyverno ClusterPolicies ([`admission`]); [`kyverno`]
//! runs `kyverno-test.yaml` files like `kyverno test`.
//!
//! It is not a scanner of files (the engine reads and classifies them), not a Rego or CEL
//! interpreter (those are `regorus` and `cel`), and it has no built-in rules.

pub mod admission;
pub mod cel;
pub mod export;
mod findings;
mod gatekeeper;
mod json;
pub mod kyverno;
mod load;
mod rego;
pub mod suite;

pub use admission::{AdmissionPolicy, Flavor};
pub use findings::{check_manifests, Outcome};
pub use gatekeeper::{Constraint, EnforcementAction, Template};
pub use json::yaml_to_json;

use std::sync::Arc;

/// A policy that could not be loaded or evaluated; the rest of the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file, line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct PolicyError {
    /// The policy file (or the object's file, for an evaluation error).
    pub file: String,
    pub line: Option<u32>,
    /// What went wrong, naming the template or constraint.
    pub message: String,
}

impl PolicyError {
    pub fn new(file: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        PolicyError {
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// The same problem as a scan error of the report.
    pub fn to_scan_error(&self) -> palisade_core::ScanError {
        palisade_core::ScanError::new(&self.file, self.line, &self.message)
    }
}

/// Which of a Gatekeeper template's engines evaluates its constraints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EngineChoice {
    /// Rego when the template has it, else its CEL (`K8sNativeValidation`) engine.
    #[default]
    Auto,
    /// Rego only: templates without it are not evaluated.
    Rego,
    /// CEL only: templates without `K8sNativeValidation` are not evaluated.
    Cel,
}

/// The policies of a run, compiled once and shared by every scan thread.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub templates: Vec<Arc<Template>>,
    pub constraints: Vec<Constraint>,
    /// ValidatingAdmissionPolicies (one per binding), Kyverno ValidatingPolicies and
    /// Kyverno `validate.cel` rules.
    pub admission: Vec<AdmissionPolicy>,
    /// The engine of Gatekeeper templates that carry both.
    pub engine: EngineChoice,
    /// What could not be loaded: reported with every scan that uses the set.
    pub errors: Vec<PolicyError>,
    /// Kinds of templates that failed to load (their constraints are not errors again).
    failed_kinds: Vec<String>,
}

/// The policy a violation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Index in [`PolicySet::constraints`].
    Constraint(usize),
    /// Index in [`PolicySet::admission`].
    Admission(usize),
}

/// One violation of one policy by one object, as the policy wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Index of the object in the slice given to [`PolicySet::evaluate`].
    pub object: usize,
    pub source: Source,
    pub message: String,
    /// The policy's `details`, when it gave any.
    pub details: Option<serde_json::Value>,
    /// The object field a CEL validation is about (`["spec", "containers"]`), empty when
    /// the policy names none (Rego policies do not).
    pub field: Vec<String>,
}

impl Violation {
    /// [`Violation::field`] written as a path (`spec.containers`), if there is one.
    pub fn field_path(&self) -> Option<String> {
        (!self.field.is_empty()).then(|| self.field.join("."))
    }
}

/// What an evaluation gave: violations, and the constraints that could not be evaluated.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub violations: Vec<Violation>,
    pub errors: Vec<PolicyError>,
    /// Audit annotations of the admission policies that applied: (object, key, value), the
    /// key as `<policy>.<annotation key>`.
    pub annotations: Vec<(usize, String, String)>,
}

/// The outcome of one admission policy on one object.
#[derive(Debug)]
pub struct Judged {
    /// Index in [`PolicySet::admission`].
    pub policy: usize,
    /// The rule name Kyverno reports (`autogen-…` for a controller's pod template).
    pub rule: String,
    pub verdict: Result<cel::Verdict, String>,
    /// The policy's audit annotations (key, value).
    pub annotations: Vec<(String, String)>,
}

/// An object under review: the object, and the admission request around it when there is
/// one (an `AdmissionReview` from a test suite or a webhook).
#[derive(Debug, Clone)]
pub struct Subject {
    pub object: serde_json::Value,
    /// `CREATE` unless the request says otherwise.
    pub operation: String,
    pub old_object: Option<serde_json::Value>,
    pub user_info: Option<serde_json::Value>,
    /// Where the object comes from, for error messages.
    pub origin: String,
}

impl Subject {
    /// An object being created, as a scan of manifests sees every object.
    pub fn created(object: serde_json::Value, origin: impl Into<String>) -> Subject {
        Subject {
            object,
            operation: "CREATE".into(),
            old_object: None,
            user_info: None,
            origin: origin.into(),
        }
    }

    /// The subject of an `AdmissionReview` (its `request`), or `None` when `value` is not one.
    pub fn from_admission_review(
        value: &serde_json::Value,
        origin: impl Into<String>,
    ) -> Option<Subject> {
        if value.get("kind").and_then(|k| k.as_str()) != Some("AdmissionReview") {
            return None;
        }
        let request = value.get("request")?;
        let object = request
            .get("object")
            .filter(|o| !o.is_null())
            .or_else(|| request.get("oldObject"))?
            .clone();
        Some(Subject {
            object,
            operation: request
                .get("operation")
                .and_then(|o| o.as_str())
                .unwrap_or("CREATE")
                .to_string(),
            old_object: request.get("oldObject").filter(|o| !o.is_null()).cloned(),
            user_info: request.get("userInfo").cloned(),
            origin: origin.into(),
        })
    }
}

impl PolicySet {
    /// Loads the policies in one YAML/JSON text (`file` names it in errors).
    pub fn from_text(file: &str, text: &str) -> PolicySet {
        match load::documents(file, text) {
            Ok(docs) => PolicySet::from_documents(docs),
            Err(e) => PolicySet {
                errors: vec![e],
                ..PolicySet::default()
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty() && self.admission.is_empty()
    }

    /// Whether `template`'s constraints run with CEL under the current engine choice;
    /// `None` when they do not run at all.
    fn uses_cel(&self, template: &Template) -> Option<bool> {
        match self.engine {
            EngineChoice::Auto if template.rego.is_some() => Some(false),
            EngineChoice::Auto => template.cel.as_ref().map(|_| true),
            EngineChoice::Rego => template.rego.as_ref().map(|_| false),
            EngineChoice::Cel => template.cel.as_ref().map(|_| true),
        }
    }

    /// The verdict of each admission policy that matches `subject` (the rule name Kyverno
    /// reports for it, and the outcome), in policy order.
    pub fn judge_admission(
        &self,
        root: &cel::Root,
        subject: &Subject,
        namespaces: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    ) -> Vec<Judged> {
        let mut out = Vec::new();
        let matching: Vec<(usize, std::borrow::Cow<'_, str>, bool)> = self
            .admission
            .iter()
            .enumerate()
            .filter_map(|(index, policy)| {
                let (rule, through_template) =
                    policy.view(&subject.object, &subject.operation, namespaces)?;
                Some((index, rule, through_template))
            })
            .collect();
        if matching.is_empty() {
            return out;
        }
        // Converted once for every policy that matches.
        // The Namespace of a namespaced object (`default` when it names none, as
        // `kubectl apply` places it), with the labels the scan knows of.
        let namespace_object = (!admission::is_cluster_scoped(&subject.object)).then(|| {
            let namespace = match json::text(&subject.object, &["metadata", "namespace"]) {
                "" => "default",
                ns => ns,
            };
            let labels = namespaces.get(namespace).cloned().unwrap_or_default();
            cel::Input::of(&serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": namespace, "labels": labels}}))
        });
        let object = cel::Input::of(&subject.object);
        let old_object = subject.old_object.as_ref().map(cel::Input::of);
        let request = cel::Input::of(&gatekeeper::review(subject));
        let scope = cel::subject_scope(
            root,
            &object,
            old_object.as_ref(),
            &request,
            namespace_object.as_ref(),
            None,
        );
        // A controller as the auto-generated rules see it, bound over the subject's scope.
        let template_view = matching
            .iter()
            .any(|(_, _, through)| *through)
            .then(|| admission::pod_template_view(&subject.object))
            .flatten()
            .map(|view| cel::Input::of(&view));
        let template_scope = template_view.as_ref().map(|view| {
            let mut ctx = scope.new_inner_scope();
            ctx.add_variable_from_value("object", view.cel().clone());
            ctx
        });
        for (index, rule, through_template) in matching {
            let policy = &self.admission[index];
            let (scope, object) = match (through_template, &template_scope, &template_view) {
                (true, Some(template_scope), Some(view)) => (template_scope, view),
                (true, _, _) => continue,
                (false, _, _) => (&scope, &object),
            };
            let bound = cel::Bound::subject(false);
            let run = |params: Option<&serde_json::Value>| {
                let params = params.map(cel::Input::of);
                policy.cel.evaluate_annotated(
                    scope,
                    &cel::Inputs {
                        object,
                        old_object: old_object.as_ref(),
                        request: &request,
                        params: params.as_ref(),
                        namespace_object: namespace_object.as_ref(),
                        preset: Vec::new(),
                        bound,
                    },
                )
            };
            let mut annotations = Vec::new();
            let mut verdict = Ok(cel::Verdict::Skipped);
            // Each parameter object is a separate evaluation; failures add up.
            let params: Vec<Option<&serde_json::Value>> = match &policy.params {
                None => vec![None],
                Some(params) => params.iter().map(Some).collect(),
            };
            for p in params {
                let one = run(p).map(|(v, a)| {
                    annotations.extend(a);
                    v
                });
                verdict = match (verdict, one) {
                    (Err(e), _) | (_, Err(e)) => Err(e),
                    (Ok(cel::Verdict::Checked(mut a)), Ok(cel::Verdict::Checked(b))) => {
                        a.extend(b);
                        Ok(cel::Verdict::Checked(a))
                    }
                    (Ok(cel::Verdict::Skipped), Ok(v)) | (Ok(v), Ok(cel::Verdict::Skipped)) => {
                        Ok(v)
                    }
                };
            }
            // On a controller judged through its pod template, the pod's `spec` and
            // `metadata` are the template's.
            if through_template {
                let template: &[&str] = if json::text(&subject.object, &["kind"]) == "CronJob" {
                    &["spec", "jobTemplate", "spec", "template"]
                } else {
                    &["spec", "template"]
                };
                if let Ok(cel::Verdict::Checked(failures)) = &mut verdict {
                    for failure in failures {
                        if failure
                            .field
                            .first()
                            .is_some_and(|f| f == "spec" || f == "metadata")
                        {
                            let mut field: Vec<String> =
                                template.iter().map(|s| s.to_string()).collect();
                            field.append(&mut failure.field);
                            failure.field = field;
                        }
                    }
                }
            }
            out.push(Judged {
                policy: index,
                rule: rule.into_owned(),
                verdict,
                annotations,
            });
        }
        out
    }

    /// Checks every subject against every policy that matches it, in parallel over
    /// subjects. `data.inventory` holds `inventory` (the objects Gatekeeper would have
    /// synced: for a scan, all its objects). A constraint whose evaluation fails (its
    /// budget ran out, an unsupported builtin was reached) is reported once and not run on
    /// further objects; a CEL policy that fails on an object is reported once per message.
    pub fn evaluate(&self, subjects: &[Subject], inventory: &[&serde_json::Value]) -> Evaluation {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Mutex;

        let mut evaluation = Evaluation::default();
        let data = if self
            .templates
            .iter()
            .any(|t| t.rego.as_ref().is_some_and(|r| r.uses_inventory))
        {
            regorus::Value::from(gatekeeper::inventory(inventory.iter().copied()))
        } else {
            regorus::Value::new_object()
        };
        let namespaces = gatekeeper::namespace_labels(inventory.iter().copied());
        // One engine per template holding the inventory, cloned by each worker.
        let mut prepared: Vec<Option<rego::RegoPolicy>> = Vec::with_capacity(self.templates.len());
        for template in &self.templates {
            if self.uses_cel(template) != Some(false) {
                prepared.push(None);
                continue;
            }
            match template.rego.as_ref().map(|r| r.with_data(&data)) {
                Some(Ok(policy)) => prepared.push(Some(policy)),
                Some(Err(e)) => {
                    evaluation.errors.push(PolicyError::new(
                        &template.file,
                        template.line,
                        format!(
                            "ConstraintTemplate {}: the inventory cannot be loaded: {e}",
                            template.name
                        ),
                    ));
                    prepared.push(None);
                }
                None => prepared.push(None),
            }
        }
        let template_index = |c: &Constraint| {
            self.templates
                .iter()
                .position(|t| Arc::ptr_eq(t, &c.template))
        };
        let indices: Vec<Option<usize>> = self.constraints.iter().map(template_index).collect();
        let parameters: Vec<regorus::Value> = self
            .constraints
            .iter()
            .map(|c| regorus::Value::from(c.parameters.clone()))
            .collect();
        let cel_parameters: Vec<cel::Input> = self
            .constraints
            .iter()
            .map(|c| cel::Input::of(&c.parameters))
            .collect();
        let annotations: Mutex<Vec<(usize, String, String)>> = Mutex::new(Vec::new());
        let failed: Vec<AtomicBool> = self
            .constraints
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        // Errors, and what identifies one (a policy's failure is reported once per cause).
        let errors: Mutex<(Vec<PolicyError>, std::collections::HashSet<String>)> =
            Mutex::new(Default::default());
        let report = |key: String, error: PolicyError| {
            if let Ok(mut errors) = errors.lock() {
                if errors.1.insert(key) {
                    errors.0.push(error);
                }
            }
        };
        let violations: Vec<Violation> = subjects
            .par_iter()
            .enumerate()
            // Each split clones the engines it uses: keep splits few.
            .with_min_len(32)
            .map_init(
                || (vec![None; prepared.len()], cel::root_context()),
                |(engines, root): &mut (Vec<Option<rego::RegoPolicy>>, cel::Root),
                 (object, subject)| {
                    let mut found = Vec::new();
                    let mut review = None;
                    let mut converted = None;
                    let mut cel_scope = None;
                    for (ci, constraint) in self.constraints.iter().enumerate() {
                        let Some(ti) = indices[ci] else { continue };
                        let Some(with_cel) = self.uses_cel(&constraint.template) else {
                            continue;
                        };
                        if failed[ci].load(Ordering::Relaxed)
                            || !constraint.matcher.matches(&subject.object, &namespaces)
                        {
                            continue;
                        }
                        let fail = |e: String| {
                            PolicyError::new(
                                &constraint.file,
                                constraint.line,
                                format!(
                                    "{} {} (template {}, {}) on {}: {e}; the constraint is not checked further",
                                    constraint.kind,
                                    constraint.name,
                                    constraint.template.name,
                                    if with_cel { "CEL" } else { "Rego" },
                                    subject.origin
                                ),
                            )
                        };
                        if with_cel {
                            let Some(policy) = &constraint.template.cel else { continue };
                            let (object_cel, old_cel, review_cel) =
                                &*converted.get_or_insert_with(|| {
                                    (
                                        cel::Input::of(&subject.object),
                                        subject.old_object.as_ref().map(cel::Input::of),
                                        cel::Input::of(&gatekeeper::review(subject)),
                                    )
                                });
                            let scope = cel_scope.get_or_insert_with(|| {
                                cel::subject_scope(
                                    root,
                                    object_cel,
                                    old_cel.as_ref(),
                                    review_cel,
                                    None,
                                    Some(object_cel),
                                )
                            });
                            let inputs = cel::Inputs {
                                object: object_cel,
                                old_object: old_cel.as_ref(),
                                request: review_cel,
                                params: Some(&cel_parameters[ci]),
                                namespace_object: None,
                                preset: vec![
                                    ("anyObject", object_cel),
                                    ("params", &cel_parameters[ci]),
                                ],
                                bound: cel::Bound::subject(true),
                            };
                            match policy.evaluate(scope, &inputs) {
                                Ok(cel::Verdict::Checked(failures)) => {
                                    found.extend(failures.into_iter().map(|f| Violation {
                                        object,
                                        source: Source::Constraint(ci),
                                        message: f.message,
                                        details: None,
                                        field: f.field,
                                    }))
                                }
                                Ok(cel::Verdict::Skipped) => {}
                                Err(e) => {
                                    if !failed[ci].swap(true, Ordering::Relaxed) {
                                        report(format!("c{ci}"), fail(e));
                                    }
                                }
                            }
                            continue;
                        }
                        let Some(base) = &prepared[ti] else { continue };
                        let engine = engines[ti].get_or_insert_with(|| base.clone());
                        let review = review.get_or_insert_with(|| {
                            regorus::Value::from(gatekeeper::review(subject))
                        });
                        match engine.evaluate_review(review, &parameters[ci]) {
                            Ok(raw) => found.extend(raw.into_iter().map(|v| Violation {
                                object,
                                source: Source::Constraint(ci),
                                message: v.message,
                                details: v.details,
                                field: Vec::new(),
                            })),
                            Err(e) => {
                                if !failed[ci].swap(true, Ordering::Relaxed) {
                                    report(format!("c{ci}"), fail(e));
                                }
                                // The engine may be mid-evaluation: start the next one afresh.
                                engines[ti] = None;
                            }
                        }
                    }
                    for judged in self.judge_admission(root, subject, &namespaces) {
                        let pi = judged.policy;
                        let policy = &self.admission[pi];
                        if !judged.annotations.is_empty() {
                            if let Ok(mut all) = annotations.lock() {
                                all.extend(judged.annotations.into_iter().map(|(k, v)| {
                                    (object, format!("{}.{k}", policy.name), v)
                                }));
                            }
                        }
                        match judged.verdict {
                            Ok(cel::Verdict::Checked(failures)) => {
                                found.extend(failures.into_iter().map(|f| Violation {
                                    object,
                                    source: Source::Admission(pi),
                                    message: f.message,
                                    details: None,
                                    field: f.field,
                                }))
                            }
                            Ok(cel::Verdict::Skipped) => {}
                            Err(e) if policy.fail_closed => found.push(Violation {
                                object,
                                source: Source::Admission(pi),
                                message: format!(
                                    "cannot be evaluated on this object, which its failurePolicy (Fail) denies: {e}"
                                ),
                                details: None,
                                field: Vec::new(),
                            }),
                            Err(e) => report(
                                format!("a{pi} {e}"),
                                PolicyError::new(
                                    &policy.file,
                                    policy.line,
                                    format!("{} on {}: {e}", policy.rule_id(), subject.origin),
                                ),
                            ),
                        }
                    }
                    found
                },
            )
            .flatten()
            .collect();
        evaluation.violations = violations;
        evaluation
            .errors
            .extend(errors.into_inner().map(|e| e.0).unwrap_or_default());
        evaluation.annotations = annotations.into_inner().unwrap_or_default();
        evaluation.annotations.sort();
        evaluation
    }
}
