//! Small helpers over lopdf's object graph: follow references, read numbers, decode
//! streams within a size budget. Every lookup is fallible and returns `Option`, because
//! real files miss keys and use the wrong types all the time.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Largest decoded size of one content stream, form or CMap.
pub const MAX_STREAM_BYTES: usize = 64 << 20;

/// The object `o` refers to (or `o` itself).
pub fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(&Object::Null)
}

/// `dict[key]`, references followed.
pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let o = resolve(doc, dict.get(key).ok()?);
    (!matches!(o, Object::Null)).then_some(o)
}

pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn get_array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

pub fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub fn get_num(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f32> {
    num(get(doc, dict, key)?)
}

pub fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// The numbers of an array (references followed); non-numbers become `None`.
pub fn nums(doc: &Document, a: &[Object]) -> Vec<Option<f32>> {
    a.iter().map(|o| num(resolve(doc, o))).collect()
}

/// A stream's decoded bytes, or `None` when it cannot be decoded within the budget.
pub fn stream_bytes(s: &Stream) -> Option<Vec<u8>> {
    if s.dict.get(b"Filter").is_err() {
        return Some(s.content.clone());
    }
    s.decompressed_content_with_limit(MAX_STREAM_BYTES).ok()
}

/// The stream an object is or refers to.
pub fn as_stream<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Stream> {
    match resolve(doc, o) {
        Object::Stream(s) => Some(s),
        _ => None,
    }
}

/// The id of the object `dict[key]` refers to, for caching.
pub fn ref_id(dict: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    dict.get(key).ok()?.as_reference().ok()
}
