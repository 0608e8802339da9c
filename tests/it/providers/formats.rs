//! formats.

use super::*;

#[test]
fn formats_lists_every_built_in_format_with_its_signature_columns() {
    let listed = cli(&["formats"]);
    assert_eq!(listed.status, Some(0), "{}", listed.stderr);
    let out = &listed.stdout;
    // Each format's first line is `name  label`, in the order headers are tried: providers
    // by name, the generic template last; then its provider and identifying columns.
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in out.lines() {
        if line.starts_with(' ') {
            let (_, text) = sections.last_mut().expect("a format line comes first");
            text.push_str(line);
            text.push('\n');
        } else if !line.is_empty() {
            let name = line.split("  ").next().unwrap().to_string();
            sections.push((name, format!("{line}\n")));
        }
    }
    let names: Vec<&str> = sections.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "aliyun",
            "aws",
            "azure-ea",
            "azure-mca",
            "focus",
            "huawei",
            "tencent",
            "generic"
        ],
        "{out}"
    );
    let section = |name: &str| -> &str {
        sections
            .iter()
            .find(|(found, _)| found == name)
            .map(|(_, text)| text.as_str())
            .unwrap()
    };
    let expectations: [(&str, &[&str]); 8] = [
        (
            "aliyun",
            &[
                "provider aliyun; from built-in rulesets/aliyun.toml",
                "      - 账号ID / Account ID / AccountID / BillAccountID / 账号 / Account Name",
                "      - 应付金额 / Pretax Amount / PretaxAmount",
                "      - 产品Code / Product Code / ProductCode",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "azure-ea",
            &[
                "provider azure; from built-in rulesets/azure-ea.toml",
                "      - AccountOwnerId / Account Owner Id / AccountOwnerEmail",
                "      - CostInBillingCurrency / Cost In Billing Currency / Cost / ExtendedCost",
                "and by not having: invoiceId, paygCostInBillingCurrency, costInPricingCurrency",
            ],
        ),
        (
            "azure-mca",
            &[
                "provider azure; from built-in rulesets/azure-mca.toml",
                "      - invoiceId / paygCostInBillingCurrency / costInPricingCurrency",
                "      - costInBillingCurrency",
            ],
        ),
        (
            "aws",
            &[
                "provider aws; from built-in rulesets/aws.toml",
                "      - line_item_line_item_type / lineItem/LineItemType",
                "      - line_item_net_unblended_cost / lineItem/NetUnblendedCost / line_item_unblended_cost / lineItem/UnblendedCost",
            ],
        ),
        (
            "focus",
            &[
                "provider focus; from built-in rulesets/focus.toml",
                "      - ChargeCategory",
                "      - BilledCost",
                "      - BillingPeriodStart",
            ],
        ),
        (
            "huawei",
            &[
                "provider huawei; from built-in rulesets/huawei.toml",
                "      - 产品类型编码 / cloud_service_type / Product Type Code / 官网价 / 官网价总金额 / official_amount / 计费模式",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "tencent",
            &[
                "provider tencent; from built-in rulesets/tencent.toml",
                "      - Payer Account ID / PayerAccountID / PayerUin / 支付者UIN / 支付者账号ID / 支付者账号",
                "      - Total Amount After Discount (Excluding Tax) / Total Amount After Discount /",
                "      - Product Name / ProductName / 产品名称",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "generic",
            &[
                "provider generic; from built-in rulesets/generic.toml",
                "      - account_id",
                "      - billing_month",
                "      - product",
                "      - net_amount",
                "      - currency",
            ],
        ),
    ];
    for (name, parts) in expectations {
        let text = section(name);
        for part in parts {
            assert!(text.contains(part), "`{name}` lacks `{part}`:\n{text}");
        }
    }
}
