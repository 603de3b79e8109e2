//! Every payout path stays at or under its compute-unit ceiling
//! (`tests/src/ceilings.txt`), measured by the benchmark's own code on the
//! real `.so`, with both token programs.
use ilm_tests::bench::{ceilings, measure};
use ilm_tests::Flavor;

#[test]
fn payout_paths_stay_under_their_ceilings() {
    let listed = ceilings();
    assert!(listed.len() >= 6, "every payout path has a ceiling");
    let mut over = Vec::new();
    for (flavor, column) in [(Flavor::Token, 1), (Flavor::Token2022, 2)] {
        let measured = measure(flavor).cu;
        for &(name, token, token22) in &listed {
            let ceiling = if column == 1 { token } else { token22 };
            let cu = *measured.get(name).unwrap_or_else(|| {
                panic!("ceilings.txt names {name:?}, which the benchmark does not measure")
            });
            if cu > ceiling {
                over.push(format!("{name} ({flavor:?}): {cu} CU, ceiling {ceiling}"));
            }
        }
    }
    assert!(
        over.is_empty(),
        "over their ceilings: {over:?}; make the path cheaper, or raise its line in tests/src/ceilings.txt and say why in the commit"
    );
}
