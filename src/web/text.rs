//! The portal's languages: Dutch first, English with `?lang=en`.

use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// `?lang=en` (anywhere in the query) asks for English; anything else is Dutch.
    pub fn of(req: &HttpRequest) -> Self {
        let english = url::form_urlencoded::parse(req.query_string().as_bytes())
            .any(|(name, value)| name == "lang" && value == "en");
        if english {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// The text in this language.
    pub fn t<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        self.t("nl", "en")
    }

    /// A path with this language kept: `?lang=en` or `&lang=en` added for English.
    pub fn link(self, path: &str) -> String {
        match self {
            Lang::Nl => path.to_string(),
            Lang::En if path.contains('?') => format!("{path}&lang=en"),
            Lang::En => format!("{path}?lang=en"),
        }
    }

    /// A number with its decimal separator: `27,3` in Dutch, `27.3` in English.
    pub fn decimal(self, text: &str) -> String {
        match self {
            Lang::Nl => text.replace('.', ","),
            Lang::En => text.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn dutch_unless_the_query_asks_for_english_and_links_keep_it() {
        assert_eq!(
            Lang::of(&TestRequest::get().uri("/").to_http_request()),
            Lang::Nl
        );
        let en = TestRequest::get()
            .uri("/x?period=2026&lang=en")
            .to_http_request();
        assert_eq!(Lang::of(&en), Lang::En);
        assert_eq!(Lang::En.link("/a?b=1"), "/a?b=1&lang=en");
        assert_eq!(Lang::En.link("/a"), "/a?lang=en");
        assert_eq!(Lang::Nl.link("/a"), "/a");
        assert_eq!(Lang::Nl.decimal("27.3"), "27,3");
    }
}
