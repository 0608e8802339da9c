//! The rulesets as loaded: built-in defaults, header matching against real exports,
//! product aliases, and the errors of invalid files.

use super::built_in::BUILT_IN;
use super::*;
use crate::domain::digest::sha256_hex;
use crate::domain::money::Rounding;
use rust_decimal::Decimal;

#[test]
fn the_built_in_generic_ruleset_loads_with_the_spec_defaults() {
    let rulesets = Rulesets::load(None).unwrap();
    let generic = rulesets.get(GENERIC).unwrap();
    assert_eq!(generic.tolerance, Decimal::new(1, 2));
    assert_eq!(generic.grace_days, 0);
    assert_eq!(generic.invoice_window_days, 30);
    assert_eq!(generic.rounding, Rounding::HalfUp);
    assert_eq!(generic.coefficient("ECS"), None);
    assert_eq!(generic.product("云服务器ECS").name, "ecs");
    assert!(!generic.product("Quantum Annealer").known);
    assert_eq!(rulesets.default_for_provider("aliyun").name, "aliyun");
    assert_eq!(rulesets.default_for_provider("azure").name, "azure-ea");
    assert_eq!(rulesets.default_for_provider("oracle").name, GENERIC);
}

#[test]
fn refund_words_match_in_any_case_inside_the_order_type() {
    let rulesets = Rulesets::load(None).unwrap();
    let tencent = rulesets.get("tencent").unwrap().billing_format().unwrap();
    for order_type in [
        "Refund",
        "REFUND order",
        "partial refund",
        "退款",
        "订单退费",
    ] {
        assert!(tencent.is_refund(order_type), "{order_type}");
    }
    for order_type in ["Purchase", "refun", "", "新购"] {
        assert!(!tencent.is_refund(order_type), "{order_type}");
    }
    let generic = rulesets.get(GENERIC).unwrap().billing_format().unwrap();
    assert!(!generic.is_refund("refund"), "generic names no refund word");
}

#[test]
fn every_ruleset_carries_the_sha256_of_the_text_it_was_parsed_from() {
    // The evidence manifest names each ruleset by this hash.
    let rulesets = Rulesets::load(None).unwrap();
    for (name, text) in BUILT_IN {
        let ruleset = rulesets.get(name).unwrap();
        assert_eq!(ruleset.sha256, sha256_hex(text.as_bytes()), "{name}");
    }
}

#[test]
fn headers_match_ignoring_case_spaces_and_underscores() {
    let rulesets = Rulesets::load(None).unwrap();
    let generic = rulesets.get(GENERIC).unwrap();
    let headers: Vec<String> = [
        "Account ID",
        "BILLING_MONTH",
        "product",
        "Net Amount",
        "currency",
        "note",
    ]
    .map(String::from)
    .to_vec();
    let format = generic.billing_format().unwrap();
    let HeaderFit::Matches(columns) = format.fit(&headers) else {
        panic!("the generic header should match");
    };
    assert_eq!(columns[&BillingField::NetAmount], vec![3]);
    assert!(!columns.contains_key(&BillingField::Voucher));
    let HeaderFit::Lacks { met, of, missing } = format.fit(&headers[..3]) else {
        panic!("three columns are not enough");
    };
    assert_eq!((met, of), (3, 5));
    assert_eq!(
        missing,
        vec!["net_amount (net_amount)", "currency (currency)"]
    );
}

/// Header rows of real exports (the providers' documented layouts (docs/INPUTS.md)), abridged where the
/// research abridges them, and the format each must be taken for.
const REAL_HEADERS: &[(&str, &str)] = &[
    (
        "aliyun",
        "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额",
    ),
    (
        "aliyun",
        "Billing Cycle,Cost Center,Account ID,Account Name,Owner Account ID,Owner Account Name,Product Code,Product Name,Product Type,Product Detail,Subscription Type,Payment Time,Usage Start Time,Usage End Time,Service Duration,Order No./Bill No.,Item,Billing Type,Instance ID,Instance Name,Resource Group,Instance Tag,Instance Config,Instance Spec,Internet IP,Intranet IP,Region,Zone,Billing Item,List Price,List Price Unit,Usage,Usage Unit,Deducted By Resource Package,Pretax Gross Amount,Invoice Discount,Deducted By Coupons,Pretax Amount,Deducted By Cash Coupons,Payment Amount,Currency",
    ),
    (
        "tencent",
        "Payer Account ID,Owner Account ID,Operator Account ID,Product Name,Subproduct Name,Billing Mode,Transaction Type,Transaction ID,Transaction Time,Usage Start Time,Usage End Time,Instance ID,Instance Name,Instance Type,Project Name,Region,Availability Zone,Component Type,Component Name,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Original Cost,Discount,Total Amount After Discount,Voucher Deduction,Currency",
    ),
    (
        "tencent",
        "Payer Account ID,Customer Name,Owner Account ID,Operator Account ID,ProductName,BillingMode,ProjectName,Region,Availability Zone,InstanceID,InstanceName,SubproductName,TransactionType,TransactionID,TransactionTime,Usage Start Time,Usage End Time,ComponentType,ComponentName,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Reserved Instances,OriginalCost,OriginalCost (After Coupon),DiscountRate,Currency,Total Amount After Discount (Excluding Tax),Voucher Deduction,Amount Before Tax,TaxRate,TaxAmount,Total Cost (Including Tax),Billable Month",
    ),
    (
        "huawei",
        "账期,企业项目,企业项目ID,账号,产品类型编码,产品类型,产品编码,产品ID,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,区域,官网价,优惠金额,抹零金额,应付金额,现金支付,信用额度支付,代金券抵扣,现金券抵扣,储值卡抵扣,奖励金支付,欠费金额",
    ),
    (
        "azure-ea",
        "BillingAccountId,BillingAccountName,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,AccountOwnerId,AccountName,SubscriptionId,SubscriptionName,Date,Product,PartNumber,MeterId,ServiceFamily,MeterCategory,MeterSubCategory,MeterRegion,MeterName,Quantity,EffectivePrice,Cost,UnitPrice,BillingCurrency,ResourceLocation,AvailabilityZone,ConsumedService,ResourceId,ResourceName,ServiceInfo1,ServiceInfo2,AdditionalInfo,Tags,InvoiceSectionId,InvoiceSection,CostCenter,UnitOfMeasure,ResourceGroup,ReservationId,ReservationName,ProductOrderId,ProductOrderName,OfferId,IsAzureCreditEligible,Term,PublisherName,PlanName,ChargeType,Frequency,PublisherType,PayGPrice,PricingModel,CostAllocationRuleName,benefitId,benefitName",
    ),
    (
        "azure-ea",
        "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName,AccountId,ResourceLocationNormalized",
    ),
    (
        "azure-mca",
        "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider",
    ),
    (
        "focus",
        "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,Id,ServiceName,SkuId,SkuPriceId,SubAccountId,SubAccountName,Tags",
    ),
    (
        "generic",
        "account_id,billing_month,date,product,order_type,instance_id,list_amount,discount,voucher,net_amount,currency",
    ),
];

#[test]
fn every_real_export_header_matches_exactly_its_own_format() {
    let rulesets = Rulesets::load(None).unwrap();
    for (expected, header) in REAL_HEADERS {
        let headers: Vec<String> = header.split(',').map(String::from).collect();
        let matching: Vec<&str> = rulesets
            .billing_layouts()
            .filter(|ruleset| {
                matches!(
                    ruleset.billing_format().unwrap().fit(&headers),
                    HeaderFit::Matches(_)
                )
            })
            .map(|ruleset| ruleset.name.as_str())
            .collect();
        assert_eq!(matching, vec![*expected], "{header}");
    }
}

#[test]
fn a_field_takes_the_most_preferred_name_wherever_it_stands() {
    let rulesets = Rulesets::load(None).unwrap();
    let aliyun = rulesets.get("aliyun").unwrap().billing_format().unwrap();
    // 账号 (the account's name) comes first in the row, but 账号ID is preferred.
    let headers: Vec<String> = ["账号", "账期", "产品Code", "应付金额", "账号ID"]
        .map(String::from)
        .to_vec();
    let HeaderFit::Matches(columns) = aliyun.fit(&headers) else {
        panic!("should match");
    };
    assert_eq!(columns[&BillingField::AccountId], vec![4]);
    let huawei = rulesets.get("huawei").unwrap().billing_format().unwrap();
    let headers: Vec<String> = [
        "账期",
        "账号",
        "产品类型编码",
        "应付金额",
        "现金券抵扣",
        "代金券抵扣",
    ]
    .map(String::from)
    .to_vec();
    let HeaderFit::Matches(columns) = huawei.fit(&headers) else {
        panic!("should match");
    };
    // The voucher is the sum of both coupon columns.
    assert_eq!(columns[&BillingField::Voucher], vec![5, 4]);
}

#[test]
fn provider_rulesets_resolve_their_codes_and_fall_back_to_the_generic_aliases() {
    let rulesets = Rulesets::load(None).unwrap();
    let aliyun = rulesets.get("aliyun").unwrap();
    assert_eq!(aliyun.product("kvstore").name, "redis");
    assert_eq!(aliyun.product("Virtual Machines").name, "ecs");
    assert_eq!(aliyun.coefficient("marketplace"), Some(Decimal::ZERO));
    let huawei = rulesets.get("huawei").unwrap();
    assert_eq!(huawei.product("hws.service.type.ec2").name, "ecs");
    let azure = rulesets.get("azure-mca").unwrap();
    assert_eq!(azure.product("SQL Database").name, "rds");
    assert!(!azure.product("Quantum Annealer").known);
}

#[test]
fn format_errors_name_the_file_and_key() {
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[billing]\naccount_id = [\"a\"]\nbilling_month = [\"m\"]\nproduct = [\"p\"]\nnet_amount = [\"n\"]\n",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("x.toml: billing.currency: a billing format must map this field"),
        "{error}"
    );
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[billing]\nproduct = { sum = [\"a\", \"b\"] }\n",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("billing.product: only amount fields"),
        "{error}"
    );
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[format]\ndate_order = \"sideways\"\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("date_order"), "{error}");
}

#[test]
fn invalid_rulesets_name_the_key() {
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[billing]\nsku = [\"a\"]\n",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("x.toml: billing.sku: unknown billing field"),
        "{error}"
    );
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[defaults]\ntolerance = \"-1\"\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("defaults.tolerance"), "{error}");
    let error = Ruleset::parse("x", "x.toml", "provider = \"x\"\nrounding = \"up\"\n").unwrap_err();
    assert!(error.to_string().contains("unknown field"), "{error}");
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[products.aliases]\nA = [\"z\"]\nB = [\"z\"]\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("alias `z`"), "{error}");
}

/// Billed names are compared folded: case, full-width letters, spaces, `_` and `-` do not
/// matter, so a console's `负载均衡CLB` and a file's `负载均衡 CLB` are one product.
#[test]
fn billed_product_names_are_compared_folded() {
    let ruleset = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[products.aliases]\nslb = [\"负载均衡 CLB\", \"Server Load Balancer\"]\n",
    )
    .unwrap();
    for billed in [
        "负载均衡 CLB",
        "负载均衡CLB",
        "负载均衡ｃｌｂ",
        " server-load_balancer ",
        "SERVERLOADBALANCER",
        "SLB",
    ] {
        let product = ruleset.product(billed);
        assert_eq!(
            (product.name.as_str(), product.known),
            ("slb", true),
            "{billed}"
        );
    }
    let unknown = ruleset.product(" 负载均衡 NLB ");
    assert_eq!(
        (unknown.name.as_str(), unknown.known),
        ("负载均衡 NLB", false)
    );
    // What a contract's `products` sheet is offered keeps the spelling as written.
    assert!(ruleset.product_names().contains(&("负载均衡 clb", "slb")));
}

/// Two aliases of different products that fold to the same word stop the load, naming both.
#[test]
fn aliases_of_two_products_that_fold_alike_are_refused() {
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[products.aliases]\nrds = [\"Cloud DB\"]\nredis = [\"cloud-db\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("products.aliases.redis")
            && error.contains("alias `cloud-db` is also an alias of `rds` (as `Cloud DB`)"),
        "{error}"
    );
}

#[test]
fn open_months_need_a_charge_date_and_unit_suffixes_fit_a_format() {
    let error = Ruleset::parse(
        "x",
        "x.toml",
        "provider = \"x\"\n[format]\ncurrency = \"CNY\"\nopen_months = true\n[billing]\naccount_id = [\"a\"]\nbilling_month = [\"m\"]\nproduct = [\"p\"]\nnet_amount = [\"n\"]\n",
    )
    .unwrap_err();
    assert!(
        error.to_string().starts_with(
            "x.toml: format.open_months: a blank billing month can be taken from the charge date only when billing.date is mapped"
        ),
        "{error}"
    );
    let rulesets = Rulesets::load(None).unwrap();
    let tencent = rulesets.get("tencent").unwrap().billing_format().unwrap();
    let headers: Vec<String> = [
        "支付者UIN",
        "产品名称",
        "扣费时间",
        "原价(元)",
        "代金券支出(元)",
        "优惠后总价（元）",
    ]
    .iter()
    .map(|header| header.to_string())
    .collect();
    let HeaderFit::Matches(columns) = tencent.fit(&headers) else {
        panic!("the Tencent header with 元 units fits");
    };
    assert_eq!(columns[&BillingField::ListAmount], vec![3]);
    assert_eq!(columns[&BillingField::Voucher], vec![4]);
    assert_eq!(columns[&BillingField::NetAmount], vec![5]);
    // A header that is the name itself wins over one that only differs by a unit, and a
    // suffix that is no unit (`(After Coupon)`) is part of the name.
    let headers: Vec<String> = [
        "Payer Account ID",
        "ProductName",
        "TransactionTime",
        "OriginalCost (After Coupon)",
        "Total Amount After Discount (USD)",
        "Total Amount After Discount",
    ]
    .iter()
    .map(|header| header.to_string())
    .collect();
    let HeaderFit::Matches(columns) = tencent.fit(&headers) else {
        panic!("the Tencent partner header fits");
    };
    assert!(!columns.contains_key(&BillingField::ListAmount));
    assert_eq!(columns[&BillingField::NetAmount], vec![5]);
}

#[test]
fn the_limitation_table_is_validated_and_names_file_and_key() {
    let parse = |table: &str| {
        Ruleset::parse(
            "x",
            "x.toml",
            &format!("provider = \"x\"\n[limitation]\n{table}"),
        )
    };
    let rule = parse("").unwrap().limitation.unwrap();
    assert_eq!(
        (rule.rule.as_str(), rule.years, rule.window_days),
        ("prc_civil_code_188", 3, 180)
    );
    assert_eq!(
        rule.expired_severity,
        crate::domain::finding::Severity::Error
    );
    assert!(!rule.all_claims);
    let rule =
        parse("years = 2\nwindow_days = 90\nexpired_severity = \"warning\"\nall_claims = true\n")
            .unwrap()
            .limitation
            .unwrap();
    assert_eq!((rule.years, rule.window_days), (2, 90));
    assert!(rule.all_claims);
    assert_eq!(
        rule.expired_severity,
        crate::domain::finding::Severity::Warning
    );
    // No table: no limitation periods.
    let none = Ruleset::parse("x", "x.toml", "provider = \"x\"\n").unwrap();
    assert_eq!(none.limitation, None);
    for (table, key, says) in [
        (
            "rule = \"roman_law\"\n",
            "limitation.rule",
            "unknown rule `roman_law`",
        ),
        ("years = -3\n", "limitation.years", "found -3"),
        ("years = 0\n", "limitation.years", "from 1 to 30"),
        ("window_days = -1\n", "limitation.window_days", "found -1"),
        (
            "expired_severity = \"fatal\"\n",
            "limitation.expired_severity",
            "`fatal`",
        ),
    ] {
        let error = parse(table).unwrap_err().to_string();
        assert!(error.starts_with(&format!("x.toml: {key}: ")), "{error}");
        assert!(error.contains(says), "{error}");
    }
    let error = parse("month = 3\n").unwrap_err().to_string();
    assert!(error.contains("unknown field"), "{error}");
    // The shipped rulesets for Chinese clouds carry the PRC rule.
    let rulesets = crate::ruleset::Rulesets::load(None).unwrap();
    for name in ["generic", "aliyun", "tencent", "huawei"] {
        let rule = rulesets.get(name).unwrap().limitation.as_ref().unwrap();
        assert_eq!(rule.years, 3, "{name}");
    }
}
