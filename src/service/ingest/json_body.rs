//! A JSON body, `{"lettings": [...]}` or a bare array, read as it streams in: the records are
//! counted as they are read and reading stops at the first record past the limit, so a batch
//! that is too large never has all its records in memory. Nothing is built for a value that
//! cannot be a field's value (an array or object is skipped, only noted), and an unknown key
//! is kept only cut short.

use std::cell::Cell;
use std::fmt;
use std::io::{BufReader, Read};
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{malformed, strip_bom, BodyError, RawRecord};
use crate::domain::letting::RawValue;
use crate::domain::problem::cut;
use crate::domain::upload::UploadRecord;

/// serde_json's `arbitrary_precision` hands a number over as a map with this one key.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// What a body must be, for the messages.
fn expecting<R: UploadRecord>() -> String {
    format!(
        "the body must be a JSON array of {} records or an object {{\"{}\": [...]}}",
        R::NOUN,
        R::BATCH_KEY
    )
}

/// Reads `{"lettings": [...]}` or a bare array of at most `max_records` letting records.
pub fn read_json(body: impl Read, max_records: usize) -> Result<Vec<RawRecord>, BodyError> {
    read_json_of(body, max_records)
}

/// Reads `{"<batch key>": [...]}` or a bare array of at most `max_records` records of any
/// kind.
pub fn read_json_of<R: UploadRecord>(
    body: impl Read,
    max_records: usize,
) -> Result<Vec<RawRecord<R>>, BodyError> {
    let body = strip_bom(body).map_err(|e| malformed("the body could not be read", e))?;
    let too_many = Cell::new(false);
    let mut deserializer =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, body));
    let read = Batch {
        records: Records {
            limit: max_records,
            too_many: &too_many,
            kind: PhantomData,
        },
    }
    .deserialize(&mut deserializer)
    .and_then(|records| deserializer.end().map(|()| records));
    match read {
        Ok(records) => Ok(records),
        Err(_) if too_many.get() => Err(BodyError::TooManyRecords { limit: max_records }),
        Err(e) => Err(malformed(
            &format!("the body is not valid JSON for a batch of {}", R::BATCH_KEY),
            e,
        )),
    }
}

/// The whole body: an array of records, or an object whose one key is the batch key.
struct Batch<'a, R> {
    records: Records<'a, R>,
}

impl<'de, R: UploadRecord> DeserializeSeed<'de> for Batch<'_, R> {
    type Value = Vec<RawRecord<R>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, R: UploadRecord> Visitor<'de> for Batch<'_, R> {
    type Value = Vec<RawRecord<R>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&expecting::<R>())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.records.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let batch_key = R::BATCH_KEY;
        let mut records = None;
        while let Some(key) = map.next_key_seed(KeySeed::<R>(PhantomData))? {
            match key {
                Key::Field(name) if name == batch_key && records.is_some() => {
                    return Err(de::Error::duplicate_field(batch_key));
                }
                Key::Field(name) if name == batch_key => {
                    records = Some(map.next_value_seed(self.records)?);
                }
                Key::Number => return Err(de::Error::custom(expecting::<R>())),
                Key::Field(name) => return Err(de::Error::unknown_field(name, R::EXPECTED_KEYS)),
                Key::Unknown(name) => {
                    return Err(de::Error::unknown_field(&name, R::EXPECTED_KEYS))
                }
            }
        }
        records.ok_or_else(|| de::Error::missing_field(batch_key))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(E::custom(expecting::<R>()))
    }
}

/// The array of records: counted as read; one past `limit` stops the reading.
struct Records<'a, R> {
    limit: usize,
    /// Set when the reading stopped because of the limit, to tell that from bad JSON.
    too_many: &'a Cell<bool>,
    kind: PhantomData<R>,
}

impl<R> Clone for Records<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Records<'_, R> {}

impl<'de, R: UploadRecord> DeserializeSeed<'de> for Records<'_, R> {
    type Value = Vec<RawRecord<R>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R: UploadRecord> Visitor<'de> for Records<'_, R> {
    type Value = Vec<RawRecord<R>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {} records", R::NOUN)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::new();
        while let Some(record) = seq.next_element::<RawRecord<R>>()? {
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

/// A key of an object: one of the contract's names (or the batch key), the number marker, or
/// another name, cut short.
enum Key {
    Field(&'static str),
    Number,
    Unknown(String),
}

/// No record kind: for the keys of a value, where only the number marker matters.
#[derive(Debug, Clone, Default)]
struct NoFields;

impl UploadRecord for NoFields {
    const BATCH_KEY: &'static str = "";
    const EXPECTED_KEYS: &'static [&'static str] = &[];
    const NOUN: &'static str = "";
    fn fields() -> &'static [&'static str] {
        &[]
    }
    fn required_fields() -> &'static [&'static str] {
        &[]
    }
    fn columns() -> &'static [crate::domain::upload::Column] {
        &[]
    }
    fn set(&mut self, _: &str, _: RawValue) {}
    fn note_unknown(&mut self, _: &str) {}
}

/// Reads a [`Key`] among the names of the record kind `R`.
struct KeySeed<R>(PhantomData<R>);

impl<'de, R: UploadRecord> DeserializeSeed<'de> for KeySeed<R> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<R: UploadRecord> Visitor<'_> for KeySeed<R> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(if name == NUMBER_TOKEN {
            Key::Number
        } else if name == R::BATCH_KEY {
            Key::Field(R::BATCH_KEY)
        } else if let Some(field) = R::fields().iter().find(|f| **f == name) {
            Key::Field(field)
        } else {
            Key::Unknown(cut(name).to_string())
        })
    }
}

impl<'de, R: UploadRecord> Deserialize<'de> for RawRecord<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor<R>(PhantomData<R>);
        impl<'de, R: UploadRecord> Visitor<'de> for RecordVisitor<R> {
            type Value = RawRecord<R>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a {} record (a JSON object)", R::NOUN)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord<R>, A::Error> {
                let mut raw = R::default();
                while let Some(key) = map.next_key_seed(KeySeed::<R>(PhantomData))? {
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
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRecord<R>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(not_an_object())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawRecord<R>, E> {
                Ok(not_an_object())
            }
        }
        deserializer.deserialize_any(RecordVisitor(PhantomData))
    }
}

fn not_an_object<R: UploadRecord>() -> RawRecord<R> {
    RawRecord {
        record_problem: Some(format!(
            "a {noun} record must be a JSON object with the {noun}'s fields",
            noun = R::NOUN
        )),
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
                match map.next_key_seed(KeySeed::<NoFields>(PhantomData))? {
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
