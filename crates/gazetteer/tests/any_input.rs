//! No input panics the resolver, and whatever it resolves to is a unit whose name
//! (or a short form of it) is written in the input.

use gongkai_gazetteer::{gazetteer, resolve_agency, Outcome};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_text_resolves_without_panic(
        s in "[河南省新乡市辉县鼓楼区人民政府办公室教育局（）() a-z0-9街道镇乡]{0,30}"
    ) {
        let g = gazetteer().unwrap();
        let r = resolve_agency(g, &s);
        if let Outcome::Resolved(id) = r.outcome {
            let name = g.unit(id).name;
            let bare: String = s.chars().filter(|c| !c.is_whitespace() && !"（）()".contains(*c)).collect();
            // The unit's name, or its short form without 省/市 (河南, 辉县), is in the input.
            prop_assert!(bare.contains(name) || bare.contains(name.trim_end_matches(['市', '省'])), "{s} → {name}");
        }
    }

    #[test]
    fn arbitrary_unicode_does_not_panic(s in "\\PC{0,40}") {
        let g = gazetteer().unwrap();
        let _ = resolve_agency(g, &s);
    }
}
