//! The normalised billing fields every billing format maps its columns to.

/// A normalised billing field (docs/INPUTS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillingField {
    /// Billing account id.
    AccountId,
    /// Billing month.
    BillingMonth,
    /// Charge or usage date.
    Date,
    /// Product name.
    Product,
    /// Order type.
    OrderType,
    /// Instance id.
    InstanceId,
    /// List (原价) amount.
    ListAmount,
    /// Discount amount.
    Discount,
    /// Voucher / coupon amount.
    Voucher,
    /// Net payable amount.
    NetAmount,
    /// Currency code.
    Currency,
}

impl BillingField {
    /// Every field, in the order of the generic template.
    pub const ALL: [BillingField; 11] = [
        BillingField::AccountId,
        BillingField::BillingMonth,
        BillingField::Date,
        BillingField::Product,
        BillingField::OrderType,
        BillingField::InstanceId,
        BillingField::ListAmount,
        BillingField::Discount,
        BillingField::Voucher,
        BillingField::NetAmount,
        BillingField::Currency,
    ];

    /// The field's name in the generic template and in rulesets.
    pub fn name(self) -> &'static str {
        match self {
            BillingField::AccountId => "account_id",
            BillingField::BillingMonth => "billing_month",
            BillingField::Date => "date",
            BillingField::Product => "product",
            BillingField::OrderType => "order_type",
            BillingField::InstanceId => "instance_id",
            BillingField::ListAmount => "list_amount",
            BillingField::Discount => "discount",
            BillingField::Voucher => "voucher",
            BillingField::NetAmount => "net_amount",
            BillingField::Currency => "currency",
        }
    }

    /// Whether a billing file must have this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            BillingField::AccountId
                | BillingField::BillingMonth
                | BillingField::Product
                | BillingField::NetAmount
                | BillingField::Currency
        )
    }

    /// Whether the field is an amount of money (and may be a sum of columns).
    pub fn is_amount(self) -> bool {
        matches!(
            self,
            BillingField::ListAmount
                | BillingField::Discount
                | BillingField::Voucher
                | BillingField::NetAmount
        )
    }

    /// The field called `name` in rulesets.
    pub fn from_name(name: &str) -> Option<BillingField> {
        BillingField::ALL
            .into_iter()
            .find(|field| field.name() == name)
    }
}
