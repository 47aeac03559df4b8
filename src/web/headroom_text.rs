//! Ruimte tot de norm in a sentence: "Nog 4 urgente toewijzingen voordat de signaalwaarde
//! wordt overschreden." Used by the overview (the year to date, from the headroom answer) and
//! the what-if page (the year after a plan, from the domain's headroom).

use maud::{html, Markup};
use serde_json::Value;

use super::text::Lang;
use crate::domain::headroom::{Headroom, Recovery, Room};
use crate::report::labels::{self, label};

/// The figures a sentence is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadroomLine<'a> {
    /// The metric's name (`urgent_share`, ...).
    pub metric: &'a str,
    /// Its state (`ok`, `warning`, `breach`, `insufficient_data`).
    pub state: &'a str,
    /// How many more lettings of the kind that moves it stay within the limit; `None` when no
    /// number of them crosses it.
    pub breach_after: Option<u64>,
    /// Where it is past the warning line, how many of the other kind bring it back to ok;
    /// `None` when not needed or not possible.
    pub recovery_needed: Option<u64>,
}

impl<'a> HeadroomLine<'a> {
    /// A line from the domain's headroom.
    pub fn of(metric: &'a str, state: &'a str, headroom: &Headroom) -> Self {
        Self {
            metric,
            state,
            breach_after: match headroom.breach_after {
                Room::Lettings(k) => Some(k),
                Room::Unlimited => None,
            },
            recovery_needed: match headroom.recovery_needed {
                Recovery::Lettings(j) => Some(j),
                Recovery::NotNeeded | Recovery::Impossible => None,
            },
        }
    }
}

/// The words of a metric: the lettings that move it toward its limit, the other kind, and
/// what its limit is called; each `(Dutch one, Dutch more, English one, English more)`.
struct Words {
    moving: [&'static str; 4],
    other: [&'static str; 4],
    /// The line of a maximum; `None` for a minimum (a norm the share may not fall below).
    line: Option<(&'static str, &'static str)>,
}

fn words(metric: &str) -> Words {
    match metric {
        "urgent_share" => Words {
            moving: [
                "urgente toewijzing",
                "urgente toewijzingen",
                "urgent letting",
                "urgent lettings",
            ],
            other: [
                "toewijzing zonder urgentie",
                "toewijzingen zonder urgentie",
                "letting without urgency",
                "lettings without urgency",
            ],
            line: Some(("signaalwaarde", "signal value")),
        },
        "income_exemption_share" => Words {
            moving: [
                "toewijzing boven de inkomensgrens",
                "toewijzingen boven de inkomensgrens",
                "letting above the income limit",
                "lettings above the income limit",
            ],
            other: [
                "toewijzing binnen de inkomensgrens",
                "toewijzingen binnen de inkomensgrens",
                "letting within the income limit",
                "lettings within the income limit",
            ],
            line: Some(("norm", "limit")),
        },
        "local_priority_share" => Words {
            moving: [
                "toewijzing met lokale voorrang",
                "toewijzingen met lokale voorrang",
                "letting with local priority",
                "lettings with local priority",
            ],
            other: [
                "toewijzing zonder lokale voorrang",
                "toewijzingen zonder lokale voorrang",
                "letting without local priority",
                "lettings without local priority",
            ],
            line: Some(("norm", "limit")),
        },
        "rent_cap_share" => Words {
            moving: [
                "verhuring boven de aftoppingsgrens",
                "verhuringen boven de aftoppingsgrens",
                "letting above the rent cap",
                "lettings above the rent cap",
            ],
            other: [
                "verhuring tot de aftoppingsgrens",
                "verhuringen tot de aftoppingsgrens",
                "letting up to the rent cap",
                "lettings up to the rent cap",
            ],
            line: None,
        },
        _ => Words {
            moving: [
                "niet-passende toewijzing",
                "niet-passende toewijzingen",
                "letting that is not passend",
                "lettings that are not passend",
            ],
            other: [
                "passende toewijzing",
                "passende toewijzingen",
                "passend letting",
                "passend lettings",
            ],
            line: None,
        },
    }
}

/// The singular or plural of `forms` in `lang`.
fn counted(forms: [&'static str; 4], n: u64, lang: Lang) -> &'static str {
    match (lang, n == 1) {
        (Lang::Nl, true) => forms[0],
        (Lang::Nl, false) => forms[1],
        (Lang::En, true) => forms[2],
        (Lang::En, false) => forms[3],
    }
}

/// The headroom of one metric in one sentence.
pub fn headroom_sentence(line: &HeadroomLine<'_>, lang: Lang) -> String {
    let w = words(line.metric);
    if line.state == "breach" {
        let said = match w.line {
            Some((nl, en)) => match lang {
                Lang::Nl => format!("De {nl} is overschreden"),
                Lang::En => format!("The {en} is exceeded"),
            },
            None => lang
                .t(
                    "Het aandeel is onder de norm",
                    "The share is below the norm",
                )
                .to_string(),
        };
        return match line.recovery_needed {
            Some(j) => match lang {
                Lang::Nl => format!(
                    "{said}; met {j} {} komt het weer in orde.",
                    counted(w.other, j, lang)
                ),
                Lang::En => format!(
                    "{said}; {j} {} would bring it back to ok.",
                    counted(w.other, j, lang)
                ),
            },
            None => format!("{said}."),
        };
    }
    match (line.breach_after, w.line) {
        (None, _) => match lang {
            Lang::Nl => format!(
                "Geen aantal {} brengt het aandeel over de grens.",
                w.moving[1]
            ),
            Lang::En => format!(
                "No number of {} takes the share past the limit.",
                w.moving[3]
            ),
        },
        (Some(0), Some((nl, en))) => match lang {
            Lang::Nl => format!("De volgende {} overschrijdt de {nl}.", w.moving[0]),
            Lang::En => format!("The next {} exceeds the {en}.", w.moving[2]),
        },
        (Some(0), None) => match lang {
            Lang::Nl => format!(
                "Met de volgende {} zakt het aandeel onder de norm.",
                w.moving[0]
            ),
            Lang::En => format!("The next {} takes the share below the norm.", w.moving[2]),
        },
        (Some(k), Some((nl, en))) => match lang {
            Lang::Nl => format!(
                "Nog {k} {} voordat de {nl} wordt overschreden.",
                counted(w.moving, k, lang)
            ),
            Lang::En => format!(
                "{k} more {} before the {en} is exceeded.",
                counted(w.moving, k, lang)
            ),
        },
        (Some(k), None) => match lang {
            Lang::Nl => format!(
                "Nog {k} {} voordat het aandeel onder de norm zakt.",
                counted(w.moving, k, lang)
            ),
            Lang::En => format!(
                "{k} more {} before the share falls below the norm.",
                counted(w.moving, k, lang)
            ),
        },
    }
}

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

/// A list of sentences, each after its metric's name.
pub fn sentence_list<'a>(lines: impl IntoIterator<Item = HeadroomLine<'a>>, lang: Lang) -> Markup {
    html! {
        ul.headroom {
            @for line in lines {
                li { strong { (label(line.metric, report_lang(lang))) ": " } (headroom_sentence(&line, lang)) }
            }
        }
    }
}

/// One metric of the headroom answer, as read from its JSON.
struct AnswerLine {
    metric: String,
    state: String,
    breach_after: Option<u64>,
    recovery_needed: Option<u64>,
}

/// The headroom answer of the year to date (`service::headroom::headroom_for`) in sentences,
/// per scope, leaving out every metric withheld from this reader.
pub fn headroom_section(answer: &Value, lang: Lang) -> Markup {
    let scopes = answer["scopes"].as_array().cloned().unwrap_or_default();
    let mut withheld = false;
    let mut shown: Vec<(String, Vec<AnswerLine>)> = Vec::new();
    for scope in &scopes {
        let mut lines = Vec::new();
        for m in scope["metrics"].as_array().into_iter().flatten() {
            if m["withheld"].as_bool().unwrap_or(false) {
                withheld = true;
                continue;
            }
            // A null breach_after of a figure that is not withheld: no number crosses the line.
            lines.push(AnswerLine {
                metric: m["metric"].as_str().unwrap_or_default().to_string(),
                state: m["state"].as_str().unwrap_or_default().to_string(),
                breach_after: m["breach_after"].as_u64(),
                recovery_needed: m["recovery_needed"].as_u64(),
            });
        }
        if !lines.is_empty() {
            let name = match scope["corporation"].as_str() {
                Some(id) => id.to_string(),
                None => lang.t("Totaal gemeente", "Municipality total").to_string(),
            };
            shown.push((name, lines));
        }
    }
    html! {
        @for (name, lines) in &shown {
            h3 { (name) }
            (sentence_list(lines.iter().map(|l| HeadroomLine {
                metric: &l.metric,
                state: &l.state,
                breach_after: l.breach_after,
                recovery_needed: l.recovery_needed,
            }), lang))
        }
        @if withheld {
            p.muted { (lang.t(
                "De ruimte tot de norm staat er alleen waar de cijfers erachter exact te zien zijn.",
                "Headroom is shown only where the figures behind it may be seen exactly.",
            )) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(
        metric: &'a str,
        state: &'a str,
        k: Option<u64>,
        j: Option<u64>,
    ) -> HeadroomLine<'a> {
        HeadroomLine {
            metric,
            state,
            breach_after: k,
            recovery_needed: j,
        }
    }

    #[test]
    fn the_urgent_share_s_sentence_counts_down_to_the_signal_value() {
        let nl = |l| headroom_sentence(&l, Lang::Nl);
        assert_eq!(
            nl(line("urgent_share", "ok", Some(4), None)),
            "Nog 4 urgente toewijzingen voordat de signaalwaarde wordt overschreden."
        );
        assert_eq!(
            nl(line("urgent_share", "warning", Some(1), None)),
            "Nog 1 urgente toewijzing voordat de signaalwaarde wordt overschreden."
        );
        assert_eq!(
            nl(line("urgent_share", "warning", Some(0), None)),
            "De volgende urgente toewijzing overschrijdt de signaalwaarde."
        );
        assert_eq!(
            nl(line("urgent_share", "breach", Some(0), Some(11))),
            "De signaalwaarde is overschreden; met 11 toewijzingen zonder urgentie komt het weer in orde."
        );
        assert_eq!(
            headroom_sentence(&line("urgent_share", "ok", Some(4), None), Lang::En),
            "4 more urgent lettings before the signal value is exceeded."
        );
    }

    #[test]
    fn a_minimum_is_said_as_falling_below_the_norm() {
        assert_eq!(
            headroom_sentence(&line("rent_cap_share", "ok", Some(10), None), Lang::Nl),
            "Nog 10 verhuringen boven de aftoppingsgrens voordat het aandeel onder de norm zakt."
        );
        assert_eq!(
            headroom_sentence(&line("passend_share", "warning", Some(0), None), Lang::Nl),
            "Met de volgende niet-passende toewijzing zakt het aandeel onder de norm."
        );
        assert_eq!(
            headroom_sentence(&line("passend_share", "breach", Some(0), None), Lang::En),
            "The share is below the norm."
        );
        assert_eq!(
            headroom_sentence(&line("local_priority_share", "ok", None, None), Lang::Nl),
            "Geen aantal toewijzingen met lokale voorrang brengt het aandeel over de grens."
        );
    }

    #[test]
    fn a_line_from_the_domain_keeps_its_numbers() {
        let h = crate::domain::headroom::headroom(
            6,
            27,
            "0.30".parse().unwrap(),
            crate::domain::metric::Bound::Max,
            "0.02".parse().unwrap(),
        );
        let l = HeadroomLine::of("urgent_share", "ok", &h);
        assert_eq!(l.breach_after, Some(3));
        assert_eq!(l.recovery_needed, None);
    }
}
