//! Form fields with their errors, tied to the field for assistive technology (WCAG 3.3.1,
//! 1.3.1): the input gets `aria-invalid` and `aria-describedby` pointing at its message, and a
//! summary at the top of the form links to each field.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::text::Lang;

/// What a person typed in a form and what is wrong with it, by field name.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
}

impl FormState {
    pub fn new() -> Self {
        Self::default()
    }

    /// The state of a posted form: its values kept, to show them again.
    pub fn posted<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            values: values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            errors: BTreeMap::new(),
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The value typed, or `default`.
    pub fn value<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.values
            .get(field)
            .map(String::as_str)
            .unwrap_or(default)
    }

    fn message(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// `aria-invalid` for the field's input.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.message(field).map(|_| "true")
    }

    /// `aria-describedby` for the field's input: its message's id.
    pub fn described_by(&self, id: &str, field: &str) -> Option<String> {
        self.message(field).map(|_| format!("{id}-error"))
    }

    /// The field's message, right after its input, or nothing.
    pub fn message_for(&self, id: &str, field: &str) -> Markup {
        html! {
            @if let Some(message) = self.message(field) {
                p.field-error id=(format!("{id}-error")) { (message) }
            }
        }
    }

    /// A summary of the problems with links to their fields (`id_of` gives a field's input id).
    pub fn summary(&self, lang: Lang, id_of: impl Fn(&str) -> String) -> Markup {
        html! {
            @if self.has_errors() {
                div.error role="alert" {
                    p { (lang.t("Het formulier is niet opgeslagen:", "The form was not saved:")) }
                    ul {
                        @for (field, message) in &self.errors {
                            li { a href=(format!("#{}", id_of(field))) { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// A whole number as typed (spaces around it allowed); `None` for anything else.
pub fn whole_number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_tied_to_its_field_and_the_first_message_stays() {
        let mut form = FormState::posted([("persons", "abc")]);
        form.error("persons", "Vul een heel getal in.");
        form.error("persons", "later");
        assert_eq!(form.invalid("persons"), Some("true"));
        assert_eq!(form.invalid("note"), None);
        assert_eq!(
            form.described_by("target-persons", "persons").as_deref(),
            Some("target-persons-error")
        );
        let html = form.message_for("target-persons", "persons").into_string();
        assert!(html.contains("id=\"target-persons-error\""), "{html}");
        assert!(html.contains("Vul een heel getal in."), "{html}");
        assert_eq!(form.value("persons", "0"), "abc");
        assert_eq!(form.value("note", ""), "");
        assert_eq!(whole_number(" 12 "), Some(12));
        assert_eq!(whole_number("1,5"), None);
    }
}
