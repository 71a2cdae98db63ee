//! JSON text into the core's types, with the field of the first problem named: `entries.ladder.tranches[1].price:
//! must be above 0`.
//!
//! The plan reader of the npm package and the app. It is a serde [`Deserializer`](de::Deserializer) of its own
//! rather than serde_json wrapped in serde_path_to_error because that pair compiles every type's visitor twice (once
//! for the wrapper's path tracking), which was a fifth of the npm package's code; here the path costs nothing until
//! something fails: an error collects its field as it travels out through the arrays and objects it was in.
//!
//! What it reads is strict JSON, as serde_json reads it: one value, nothing after it but whitespace, strings with
//! JSON's escapes (a lone surrogate is refused), at most [`MAX_DEPTH`] arrays and objects deep. Its messages are
//! serde_json's (`invalid type: integer `10`, expected a Decimal`, `unknown field `levrage``, `missing field
//! `rate``), without the line and column, which name text the caller never saw. Unlike serde_json it does not take
//! an array for an object, so every field is read by its name and an unknown one is always refused.
//!
//! ```
//! #[derive(serde::Deserialize, Debug)]
//! #[serde(deny_unknown_fields)]
//! struct Fill { price: String }
//! let error = scaleplan::json::from_str::<Vec<Fill>>(r#"[{"price": "1"}, {"price": 2}]"#).unwrap_err();
//! assert_eq!(error.to_string(), "[1].price: invalid type: integer `2`, expected a string");
//! # Ok::<(), scaleplan::Error>(())
//! ```

use std::fmt;

use serde::de::{self, value::StrDeserializer, DeserializeOwned, DeserializeSeed, Expected, Unexpected, Visitor};
use serde::forward_to_deserialize_any;

use crate::error::Error;

/// Arrays and objects nested deeper than this are refused (serde_json's limit too): the reader recurses once per
/// level, and a wasm stack overflow would kill the page.
pub const MAX_DEPTH: usize = 128;

/// Reads `text` as one JSON value of type `T`.
///
/// # Errors
/// [`Error::Invalid`] whose field is the path of the first problem (empty for the value itself) and whose problem is
/// what serde would say of it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut reader = Reader { text, pos: 0, depth: MAX_DEPTH };
    let value = T::deserialize(&mut reader).and_then(|value| {
        reader.skip_whitespace();
        match reader.peek_byte() {
            None => Ok(value),
            Some(_) => Err(ReadError::syntax("trailing characters")),
        }
    });
    value.map_err(ReadError::into_error)
}

/// An error on its way out: the message, and the path so far, innermost segment first.
#[derive(Debug)]
pub struct ReadError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    message: String,
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl ReadError {
    fn syntax(message: &str) -> Self {
        Self(Box::new(Inner { message: message.to_owned(), path: Vec::new() }))
    }

    #[cold]
    fn at(mut self, segment: Segment) -> Self {
        self.0.path.push(segment);
        self
    }

    /// The core error: `entries.ladder.tranches[1].price` and the message.
    fn into_error(self) -> Error {
        let Inner { message, path } = *self.0;
        let mut field = String::new();
        for segment in path.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                }
                Segment::Index(index) => {
                    field.push('[');
                    field.push_str(&index.to_string());
                    field.push(']');
                }
            }
        }
        Error::invalid(field, message)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    #[cold]
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(Box::new(Inner { message: message.to_string(), path: Vec::new() }))
    }

    #[cold]
    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!("invalid type: {}, expected {expected}", JsonUnexpected(unexpected)))
    }

    #[cold]
    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!("invalid value: {}, expected {expected}", JsonUnexpected(unexpected)))
    }
}

/// What was found, in JSON's words: `null` rather than serde's "unit value", `1.0` rather than `1`.
struct JsonUnexpected<'a>(Unexpected<'a>);

impl fmt::Display for JsonUnexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(value) => write!(f, "floating point `{value:?}`"),
            other => fmt::Display::fmt(&other, f),
        }
    }
}

/// A string read from the text: a slice of it when it had no escapes.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(text) => text,
            Self::Owned(text) => text,
        }
    }
}

/// A JSON number: an integer when it is one and fits, otherwise a float.
#[derive(Clone, Copy)]
enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

/// The deserializer: the text and where it is.
struct Reader<'de> {
    text: &'de str,
    pos: usize,
    /// How many more arrays and objects may open.
    depth: usize,
}

impl<'de> Reader<'de> {
    fn rest(&self) -> &'de [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    fn peek_byte(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    fn bump(&mut self, bytes: usize) {
        self.pos = self.pos.saturating_add(bytes).min(self.text.len());
    }

    fn skip_whitespace(&mut self) {
        let skipped = self.rest().iter().take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')).count();
        self.bump(skipped);
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.peek_byte()
    }

    /// Consumes `byte` after whitespace, or fails with `message`.
    fn expect(&mut self, byte: u8, message: &str) -> Result<(), ReadError> {
        if self.peek() == Some(byte) {
            self.bump(1);
            Ok(())
        } else {
            Err(self.eof_or(message))
        }
    }

    /// `message`, or "EOF while parsing a value" when the text has ended.
    fn eof_or(&self, message: &str) -> ReadError {
        if self.peek_byte().is_none() {
            ReadError::syntax("EOF while parsing a value")
        } else {
            ReadError::syntax(message)
        }
    }

    /// Consumes the literal `word` (`null`, `true`, `false`).
    fn literal(&mut self, word: &str) -> Result<(), ReadError> {
        if self.rest().starts_with(word.as_bytes()) {
            self.bump(word.len());
            Ok(())
        } else {
            Err(self.eof_or("expected value"))
        }
    }

    /// Opens an array or object (its bracket already seen), counting the depth.
    fn open(&mut self) -> Result<(), ReadError> {
        self.depth = self.depth.checked_sub(1).ok_or_else(|| ReadError::syntax("recursion limit exceeded"))?;
        self.bump(1);
        Ok(())
    }

    fn close(&mut self, byte: u8, message: &str) -> Result<(), ReadError> {
        self.depth = self.depth.saturating_add(1);
        self.expect(byte, message)
    }

    /// Reads a string; the opening quote is the next byte.
    fn string(&mut self) -> Result<Text<'de>, ReadError> {
        self.bump(1);
        let start = self.pos;
        let plain = self.rest().iter().take_while(|b| !matches!(b, b'"' | b'\\' | 0..=0x1f)).count();
        self.bump(plain);
        let head = self.text.get(start..self.pos).unwrap_or_default();
        if self.peek_byte() == Some(b'"') {
            self.bump(1);
            return Ok(Text::Borrowed(head));
        }
        let mut owned = head.to_owned();
        loop {
            match self.peek_byte() {
                None => return Err(ReadError::syntax("EOF while parsing a string")),
                Some(b'"') => {
                    self.bump(1);
                    return Ok(Text::Owned(owned));
                }
                Some(b'\\') => {
                    self.bump(1);
                    let escaped = self.peek_byte().ok_or_else(|| ReadError::syntax("EOF while parsing a string"))?;
                    self.bump(1);
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(ReadError::syntax("invalid escape")),
                    };
                    owned.push(c);
                }
                Some(0..=0x1f) => {
                    return Err(ReadError::syntax("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                Some(_) => {
                    let from = self.pos;
                    let run = self.rest().iter().take_while(|b| !matches!(b, b'"' | b'\\' | 0..=0x1f)).count();
                    self.bump(run);
                    owned.push_str(self.text.get(from..self.pos).unwrap_or_default());
                }
            }
        }
    }

    /// The four hex digits after `\u`, and a second escape when they are a leading surrogate.
    fn unicode_escape(&mut self) -> Result<char, ReadError> {
        let first = self.hex4()?;
        if !(0xD800..0xE000).contains(&first) {
            return char::from_u32(first).ok_or_else(|| ReadError::syntax("invalid unicode code point"));
        }
        if first >= 0xDC00 || !self.rest().starts_with(b"\\u") {
            return Err(ReadError::syntax("lone leading surrogate in hex escape"));
        }
        self.bump(2);
        let second = self.hex4()?;
        if !(0xDC00..0xE000).contains(&second) {
            return Err(ReadError::syntax("lone leading surrogate in hex escape"));
        }
        let high = first.saturating_sub(0xD800);
        let low = second.saturating_sub(0xDC00);
        let code = high.checked_shl(10).and_then(|h| h.checked_add(low)).and_then(|c| c.checked_add(0x1_0000));
        code.and_then(char::from_u32).ok_or_else(|| ReadError::syntax("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, ReadError> {
        let digits = self.rest().get(..4).ok_or_else(|| ReadError::syntax("EOF while parsing a string"))?;
        let mut code = 0_u32;
        for &digit in digits {
            let value = char::from(digit).to_digit(16).ok_or_else(|| ReadError::syntax("invalid escape"))?;
            code = code.checked_mul(16).and_then(|c| c.checked_add(value)).unwrap_or(u32::MAX);
        }
        self.bump(4);
        Ok(code)
    }

    /// Reads a number by JSON's grammar; the next byte is `-` or a digit.
    fn number(&mut self) -> Result<Number, ReadError> {
        let start = self.pos;
        let bytes = self.rest();
        let mut at = usize::from(bytes.first() == Some(&b'-'));
        let digits = |from: usize| bytes.get(from..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
        let whole = digits(at);
        if whole == 0 || (whole > 1 && bytes.get(at) == Some(&b'0')) {
            return Err(ReadError::syntax("invalid number"));
        }
        at = at.saturating_add(whole);
        let mut integer = true;
        if bytes.get(at) == Some(&b'.') {
            let fraction = digits(at.saturating_add(1));
            if fraction == 0 {
                return Err(ReadError::syntax("invalid number"));
            }
            at = at.saturating_add(1).saturating_add(fraction);
            integer = false;
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at = at.saturating_add(1);
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at = at.saturating_add(1);
            }
            let exponent = digits(at);
            if exponent == 0 {
                return Err(ReadError::syntax("invalid number"));
            }
            at = at.saturating_add(exponent);
            integer = false;
        }
        self.bump(at);
        let literal = self.text.get(start..self.pos).unwrap_or_default();
        if integer && literal == "-0" {
            // serde_json keeps the sign of a negative zero by reading it as a float.
            return Ok(Number::Float(-0.0));
        }
        if integer {
            if let Ok(value) = literal.parse::<u64>() {
                return Ok(Number::Unsigned(value));
            }
            if let Ok(value) = literal.parse::<i64>() {
                return Ok(Number::Signed(value));
            }
        }
        match literal.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Number::Float(value)),
            _ => Err(ReadError::syntax("number out of range")),
        }
    }

    /// Skips one value of any kind.
    fn skip(&mut self) -> Result<(), ReadError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b'n') => self.literal("null"),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'[') => {
                self.open()?;
                let mut first = true;
                while self.next_item(&mut first, b']')? {
                    self.skip()?;
                }
                self.close(b']', "expected `,` or `]`")
            }
            Some(b'{') => {
                self.open()?;
                let mut first = true;
                while self.next_item(&mut first, b'}')? {
                    self.key()?;
                    self.skip()?;
                }
                self.close(b'}', "expected `,` or `}`")
            }
            _ => Err(self.eof_or("expected value")),
        }
    }

    /// Whether another item of an array or object follows (reading the comma before it); the closing bracket is
    /// left for [`close`](Self::close).
    fn next_item(&mut self, first: &mut bool, end: u8) -> Result<bool, ReadError> {
        match self.peek() {
            Some(b) if b == end => Ok(false),
            Some(b',') if !*first => {
                self.bump(1);
                if self.peek() == Some(end) {
                    return Err(ReadError::syntax("trailing comma"));
                }
                Ok(true)
            }
            Some(_) if *first => {
                *first = false;
                Ok(true)
            }
            _ => Err(self.eof_or(if end == b']' { "expected `,` or `]`" } else { "expected `,` or `}`" })),
        }
    }

    /// An object's key and its colon.
    fn key(&mut self) -> Result<Text<'de>, ReadError> {
        if self.peek() != Some(b'"') {
            return Err(self.eof_or("key must be a string"));
        }
        let key = self.string()?;
        self.expect(b':', "expected `:`")?;
        Ok(key)
    }

    /// The error for a value of the wrong kind: reads it to say what it is.
    #[cold]
    fn type_error(&mut self, expected: &dyn Expected) -> ReadError {
        let error = |unexpected: Unexpected<'_>| <ReadError as de::Error>::invalid_type(unexpected, expected);
        match self.peek() {
            Some(b'"') => match self.string() {
                Ok(text) => error(Unexpected::Str(text.as_str())),
                Err(e) => e,
            },
            Some(b'-' | b'0'..=b'9') => match self.number() {
                Ok(Number::Unsigned(n)) => error(Unexpected::Unsigned(n)),
                Ok(Number::Signed(n)) => error(Unexpected::Signed(n)),
                Ok(Number::Float(n)) => error(Unexpected::Float(n)),
                Err(e) => e,
            },
            Some(b'n') => self.literal("null").map_or_else(|e| e, |()| error(Unexpected::Unit)),
            Some(b't') => self.literal("true").map_or_else(|e| e, |()| error(Unexpected::Bool(true))),
            Some(b'f') => self.literal("false").map_or_else(|e| e, |()| error(Unexpected::Bool(false))),
            Some(b'[') => error(Unexpected::Seq),
            Some(b'{') => error(Unexpected::Map),
            _ => self.eof_or("expected value"),
        }
    }
}

fn visit_number<'de, V: Visitor<'de>>(number: Number, visitor: V) -> Result<V::Value, ReadError> {
    match number {
        Number::Unsigned(n) => visitor.visit_u64(n),
        Number::Signed(n) => visitor.visit_i64(n),
        Number::Float(n) => visitor.visit_f64(n),
    }
}

fn visit_text<'de, V: Visitor<'de>>(text: Text<'de>, visitor: V) -> Result<V::Value, ReadError> {
    match text {
        Text::Borrowed(text) => visitor.visit_borrowed_str(text),
        Text::Owned(text) => visitor.visit_string(text),
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b'"') => {
                let text = self.string()?;
                visit_text(text, visitor)
            }
            Some(b'-' | b'0'..=b'9') => {
                let number = self.number()?;
                visit_number(number, visitor)
            }
            Some(b'n') => {
                self.literal("null")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'{') => self.deserialize_map(visitor),
            _ => Err(self.eof_or("expected value")),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b't' | b'f') => self.deserialize_any(visitor),
            _ => Err(self.type_error(&visitor)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.deserialize_any(visitor),
            _ => Err(self.type_error(&visitor)),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b'"') => self.deserialize_any(visitor),
            _ => Err(self.type_error(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b'n') => self.deserialize_any(visitor),
            _ => Err(self.type_error(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if self.peek() != Some(b'[') {
            return Err(self.type_error(&visitor));
        }
        self.open()?;
        let value = visitor.visit_seq(Items { reader: &mut *self, first: true, index: 0 })?;
        self.close(b']', "trailing characters")?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if self.peek() != Some(b'{') {
            return Err(self.type_error(&visitor));
        }
        self.open()?;
        let value = visitor.visit_map(Fields { reader: &mut *self, first: true, key: None })?;
        self.close(b'}', "trailing characters")?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self.peek() {
            Some(b'"') => {
                let text = self.string()?;
                visitor.visit_enum(StrDeserializer::new(text.as_str()))
            }
            Some(b'{') => {
                self.open()?;
                if self.peek() != Some(b'"') {
                    return Err(<ReadError as de::Error>::invalid_type(Unexpected::Map, &visitor));
                }
                let value = visitor.visit_enum(Variant { reader: &mut *self, name: None })?;
                if self.peek() == Some(b',') {
                    return Err(ReadError::syntax("holds more than one field; give exactly one of its choices"));
                }
                self.close(b'}', "expected `}`")?;
                Ok(value)
            }
            _ => Err(self.type_error(&visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.skip()?;
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        <V: Visitor<'de>>
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char string bytes byte_buf
    }
}

/// The elements of an array; an element's error gains its index.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = ReadError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, ReadError> {
        if !self.reader.next_item(&mut self.first, b']')? {
            return Ok(None);
        }
        let index = self.index;
        self.index = index.saturating_add(1);
        seed.deserialize(&mut *self.reader).map(Some).map_err(|e| e.at(Segment::Index(index)))
    }
}

/// The fields of an object; a field's error (or its name's: an unknown field) gains its name.
struct Fields<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
    key: Option<Text<'de>>,
}

fn key_segment(key: Option<Text<'_>>) -> Segment {
    Segment::Key(key.map(|k| k.as_str().to_owned()).unwrap_or_default())
}

impl<'de> de::MapAccess<'de> for Fields<'_, 'de> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        if !self.reader.next_item(&mut self.first, b'}')? {
            return Ok(None);
        }
        let key = self.reader.key()?;
        let value = seed.deserialize(StrDeserializer::<ReadError>::new(key.as_str()));
        match value {
            Ok(value) => {
                self.key = Some(key);
                Ok(Some(value))
            }
            Err(e) => Err(e.at(key_segment(Some(key)))),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let key = self.key.take();
        seed.deserialize(&mut *self.reader).map_err(|e| e.at(key_segment(key)))
    }
}

/// An enum written as an object of one field, `{"ladder": {...}}`; errors inside gain the variant's name.
struct Variant<'a, 'de> {
    reader: &'a mut Reader<'de>,
    name: Option<Text<'de>>,
}

impl<'de, 'a> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = ReadError;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(mut self, seed: T) -> Result<(T::Value, Self), ReadError> {
        let name = self.reader.key()?;
        let value = seed.deserialize(StrDeserializer::<ReadError>::new(name.as_str()))?;
        self.name = Some(name);
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = ReadError;

    fn unit_variant(self) -> Result<(), ReadError> {
        let name = self.name;
        de::Deserialize::deserialize(&mut *self.reader).map_err(|e| e.at(key_segment(name)))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, ReadError> {
        let name = self.name;
        seed.deserialize(&mut *self.reader).map_err(|e| e.at(key_segment(name)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, ReadError> {
        let name = self.name;
        de::Deserializer::deserialize_seq(&mut *self.reader, visitor).map_err(|e| e.at(key_segment(name)))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let name = self.name;
        de::Deserializer::deserialize_map(&mut *self.reader, visitor).map_err(|e| e.at(key_segment(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decimal, Plan};

    fn message<T: DeserializeOwned + fmt::Debug>(text: &str) -> String {
        match from_str::<T>(text) {
            Ok(value) => panic!("{text} was read as {value:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let texts = [
            r#"{"a": ["1", "2.5", null, true, false, -3, 12345678901234567890, 1.5e3, {"b": "\u00e9\ud83d\ude00\n"}]}"#,
            "[]",
            "{}",
            " \"x\" ",
            "[[[]]]",
            "[-0, -0.0, 1.5e-7, 18446744073709551616, -9223372036854775809, 0e0]",
        ];
        for text in texts {
            let ours: serde_json::Value = from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(ours, theirs, "{text}");
            // Found by the json fuzz target: serde_json reads -0 as the float -0.0, keeping its sign.
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{text}");
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in [
            "", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "01", "1.", "-", "1e", "\"\\x\"", "\"\\ud800\"",
            "\"a\u{1}\"", "nul", "[1] 2", "\"abc", "tru", "{\"a\":1 \"b\":2}",
        ] {
            assert!(from_str::<serde_json::Value>(text).is_err(), "{text:?} was read");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "serde_json read {text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(message::<serde_json::Value>(&text).ends_with("]: recursion limit exceeded"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(from_str::<serde_json::Value>(&ok).is_ok());
    }

    #[test]
    fn decimals_refuse_json_numbers_with_the_type_error() {
        #[derive(serde::Deserialize, Debug)]
        struct D {
            #[serde(with = "rust_decimal::serde::str")]
            #[allow(dead_code)]
            x: Decimal,
        }
        assert_eq!(message::<D>(r#"{"x": 10}"#), "x: invalid type: integer `10`, expected a Decimal type representing a fixed-point number");
        assert_eq!(message::<D>(r#"{"x": 1.5}"#), "x: invalid type: floating point `1.5`, expected a Decimal type representing a fixed-point number");
        assert_eq!(message::<D>(r#"{"x": null}"#), "x: invalid type: null, expected a Decimal type representing a fixed-point number");
    }

    /// The field paths and messages are serde_path_to_error's over serde_json's, which the npm package and the app
    /// printed before this reader: every message a test or a user has seen stays the same.
    #[test]
    fn plan_errors_name_their_field() {
        let guide = include_str!("../data/examples/guide-btc-ladder.json");
        let mut plan: serde_json::Value = serde_json::from_str(guide).unwrap();
        assert!(from_str::<Plan>(guide).is_ok());
        plan["levrage"] = "10".into();
        assert_eq!(
            from_str::<Plan>(&plan.to_string()).unwrap_err().field(),
            Some("levrage"),
        );
        assert!(message::<Plan>(&plan.to_string()).starts_with("levrage: unknown field `levrage`, expected one of"));
    }
}
