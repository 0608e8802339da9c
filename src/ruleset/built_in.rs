//! The rulesets shipped with the tool. The repository's `rulesets/` folder is compiled
//! into the binary so the tool works from any directory.

/// The rulesets shipped with the tool, as `(name, TOML text)`.
pub(super) const BUILT_IN: &[(&str, &str)] = &[
    ("generic", include_str!("../../rulesets/generic.toml")),
    ("aliyun", include_str!("../../rulesets/aliyun.toml")),
    ("tencent", include_str!("../../rulesets/tencent.toml")),
    ("huawei", include_str!("../../rulesets/huawei.toml")),
    ("azure-ea", include_str!("../../rulesets/azure-ea.toml")),
    ("azure-mca", include_str!("../../rulesets/azure-mca.toml")),
    ("focus", include_str!("../../rulesets/focus.toml")),
    ("aws", include_str!("../../rulesets/aws.toml")),
];
