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

proptest! {
    /// A prefecture followed by a county-level unit of another prefecture is a name
    /// that contradicts itself: never placed in the prefecture it starts with.
    #[test]
    fn a_county_of_another_city_is_never_taken_for_the_city(a in 0usize..10_000, b in 0usize..10_000) {
        let g = gazetteer().unwrap();
        let prefectures: Vec<u32> = (0..g.len() as u32)
            .filter(|&id| g.unit(id).level == gongkai_gazetteer::Level::Prefecture)
            .collect();
        let counties: Vec<u32> = (0..g.len() as u32)
            .filter(|&id| g.unit(id).level == gongkai_gazetteer::Level::County)
            .collect();
        let city = prefectures[a % prefectures.len()];
        let county = counties[b % counties.len()];
        prop_assume!(!g.is_ancestor(city, county));
        // A county whose name starts with the city's (新乡县 after 新乡市) reads as its own name.
        prop_assume!(g.unit(county).name.chars().count() >= 3);
        let name = format!("{}{}人民政府", g.unit(city).name, g.unit(county).name);
        let r = resolve_agency(g, &name);
        prop_assert!(r.outcome != Outcome::Resolved(city), "{name} → {:?}", r.evidence);
    }
}
