//! A JSON body, `{"lettings": [...]}` or a bare array, read as it streams in: the records are
//! counted as they are read and reading stops at the first record past the limit, so a batch
//! that is too large never has all its records in memory. Nothing is built for a value that
//! cannot be a field's value (an array or object is skipped, only noted), and an unknown key
//! is kept only cut short.

use std::cell::Cell;
use std::fmt;
use std::io::{BufReader, Read};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{malformed, strip_bom, BodyError, RawRecord};
use crate::domain::letting::{RawLetting, RawValue, FIELDS};
use crate::domain::problem::cut;

/// serde_json's `arbitrary_precision` hands a number over as a map with this one key.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

const EXPECTING: &str =
    "the body must be a JSON array of letting records or an object {\"lettings\": [...]}";

/// Reads `{"lettings": [...]}` or a bare array of at most `max_records` records.
pub fn read_json(body: impl Read, max_records: usize) -> Result<Vec<RawRecord>, BodyError> {
    let body = strip_bom(body).map_err(|e| malformed("the body could not be read", e))?;
    let too_many = Cell::new(false);
    let mut deserializer =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, body));
    let read = Batch {
        records: Records {
            limit: max_records,
            too_many: &too_many,
        },
    }
    .deserialize(&mut deserializer)
    .and_then(|records| deserializer.end().map(|()| records));
    match read {
        Ok(records) => Ok(records),
        Err(_) if too_many.get() => Err(BodyError::TooManyRecords { limit: max_records }),
        Err(e) => Err(malformed(
            "the body is not valid JSON for a batch of lettings",
            e,
        )),
    }
}

/// The whole body: an array of records, or an object whose one key is `lettings`.
struct Batch<'a> {
    records: Records<'a>,
}

impl<'de> DeserializeSeed<'de> for Batch<'_> {
    type Value = Vec<RawRecord>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Batch<'_> {
    type Value = Vec<RawRecord>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTING)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.records.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut lettings = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Field("lettings") if lettings.is_some() => {
                    return Err(de::Error::duplicate_field("lettings"));
                }
                Key::Field("lettings") => {
                    lettings = Some(map.next_value_seed(self.records)?);
                }
                Key::Number => return Err(de::Error::custom(EXPECTING)),
                Key::Field(name) => return Err(de::Error::unknown_field(name, &["lettings"])),
                Key::Unknown(name) => return Err(de::Error::unknown_field(&name, &["lettings"])),
            }
        }
        lettings.ok_or_else(|| de::Error::missing_field("lettings"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(E::custom(EXPECTING))
    }
}

/// The array of records: counted as read; one past `limit` stops the reading.
#[derive(Clone, Copy)]
struct Records<'a> {
    limit: usize,
    /// Set when the reading stopped because of the limit, to tell that from bad JSON.
    too_many: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = Vec<RawRecord>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = Vec<RawRecord>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of letting records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::new();
        while let Some(record) = seq.next_element::<RawRecord>()? {
            if records.len() == self.limit {
                self.too_many.set(true);
                return Err(de::Error::custom(format_args!(
                    "more than {} records",
                    self.limit
                )));
            }
            records.push(record);
        }
        Ok(records)
    }
}

/// A key of an object: one of the contract's names (or `lettings`), the number marker, or
/// another name, cut short.
enum Key {
    Field(&'static str),
    Number,
    Unknown(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(if name == NUMBER_TOKEN {
                    Key::Number
                } else if name == "lettings" {
                    Key::Field("lettings")
                } else if let Some(field) = FIELDS.iter().find(|f| **f == name) {
                    Key::Field(field)
                } else {
                    Key::Unknown(cut(name).to_string())
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = RawRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a letting record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord, A::Error> {
                let mut raw = RawLetting::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Field(name) => {
                            let Submitted(value) = map.next_value()?;
                            raw.set(name, value);
                        }
                        Key::Unknown(name) => {
                            map.next_value::<IgnoredAny>()?;
                            raw.note_unknown(&name);
                        }
                        // A bare number where a record should be.
                        Key::Number => {
                            map.next_value::<IgnoredAny>()?;
                            return Ok(not_an_object());
                        }
                    }
                }
                Ok(RawRecord {
                    raw,
                    ..RawRecord::default()
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRecord, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(not_an_object())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
        }
        deserializer.deserialize_any(RecordVisitor)
    }
}

fn not_an_object() -> RawRecord {
    RawRecord {
        record_problem: Some(
            "a letting record must be a JSON object with the letting's fields".into(),
        ),
        ..RawRecord::default()
    }
}

/// One field's value as submitted. A number keeps its exact text; an array or object is read
/// past without being built.
struct Submitted(RawValue);

impl<'de> Deserialize<'de> for Submitted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Submitted;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Null))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Bool(b)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Text(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Text(s)))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Number(n.to_string())))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Number(n.to_string())))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Submitted, E> {
                Ok(Submitted(RawValue::Number(n.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Submitted, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Submitted(RawValue::Structured))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Submitted, A::Error> {
                match map.next_key::<Key>()? {
                    Some(Key::Number) => {
                        let text: String = map.next_value()?;
                        return Ok(Submitted(RawValue::Number(text)));
                    }
                    Some(_) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    None => {}
                }
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Submitted(RawValue::Structured))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}
