//! The scaleplan planner app: Leptos components over the scaleplan core.
//!
//! The root, [`App`], mounts into any element ([`mount`]); every style is scoped under the `.scaleplan` class it
//! renders, so the same root can be embedded in another page.

use leptos::prelude::*;
use scaleplan::{average_entry, ContractKind, Fill, Price, Quantity};

/// Installs the panic hook and mounts [`App`] into the element with id `scaleplan`, or the body when absent.
pub fn start() {
    console_error_panic_hook::set_once();
    let target = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("scaleplan"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    match target {
        Some(element) => mount(element),
        None => leptos::mount::mount_to_body(App),
    }
}

/// Mounts the planner into `element` for the life of the page.
pub fn mount(element: web_sys::HtmlElement) {
    leptos::mount::mount_to(element, App).forget();
}

/// One editable fill row: the text exactly as typed, so nothing entered is lost while it is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillText {
    /// Price as typed.
    pub price: String,
    /// Quantity as typed.
    pub quantity: String,
}

/// A fill row's parse outcome: the fill, or the message for each bad field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillCheck {
    /// Message for the price field, if it is invalid.
    pub price_error: Option<String>,
    /// Message for the quantity field, if it is invalid.
    pub quantity_error: Option<String>,
    /// The parsed fill when both fields are valid.
    pub fill: Option<Fill>,
}

/// Parses one row (1-based `row` for messages), keeping a message per bad field.
pub fn check_fill(row: usize, text: &FillText) -> FillCheck {
    let price = Price::parse(&format!("fill {row} price"), &text.price);
    let quantity = Quantity::parse(&format!("fill {row} quantity"), &text.quantity);
    FillCheck {
        price_error: price.as_ref().err().map(ToString::to_string),
        quantity_error: quantity.as_ref().err().map(ToString::to_string),
        fill: match (price, quantity) {
            (Ok(price), Ok(quantity)) => Some(Fill { price, quantity }),
            _ => None,
        },
    }
}

/// The average entry of the valid rows as display text, or why there is none.
pub fn average_text(rows: &[FillText]) -> Result<String, String> {
    let fills: Vec<Fill> = rows.iter().enumerate().filter_map(|(i, r)| check_fill(i + 1, r).fill).collect();
    if fills.is_empty() {
        return Err("enter at least one fill with a price and a quantity".to_owned());
    }
    average_entry(ContractKind::Linear, &fills).map(|p| p.to_string()).map_err(|e| e.to_string())
}

/// The planner's root component, wrapped in the `.scaleplan` element all styles are scoped under.
#[component]
pub fn App() -> impl IntoView {
    let rows = RwSignal::new(vec![
        FillText { price: "10000".into(), quantity: "1".into() },
        FillText { price: "13000".into(), quantity: "2".into() },
    ]);
    let average = Memo::new(move |_| rows.with(|r| average_text(r)));
    view! {
        <div class="scaleplan">
            <h1>"scaleplan"</h1>
            <p class="sp-lede">"Average entry of your fills, exact to the last digit."</p>
            <FillTable rows=rows />
            <p class="sp-result">
                "Average entry: "
                <output data-testid="average">{move || average.get().unwrap_or_default()}</output>
            </p>
        </div>
    }
}

/// The editable fills: one row of labelled price and quantity inputs per fill, with a message under each bad field.
#[component]
pub fn FillTable(
    /// The fills as typed; the table edits them in place.
    rows: RwSignal<Vec<FillText>>,
) -> impl IntoView {
    let count = move || rows.with(Vec::len);
    view! {
        <fieldset class="sp-fills">
            <legend>"Fills"</legend>
            {move || (0..count()).map(|i| view! { <FillRow rows=rows index=i /> }).collect_view()}
            <button type="button" on:click=move |_| rows.update(|r| r.push(FillText { price: String::new(), quantity: String::new() }))>
                "Add fill"
            </button>
        </fieldset>
    }
}

/// One fill's inputs. Props: `rows`, all fills; `index`, which one this row edits.
#[component]
fn FillRow(rows: RwSignal<Vec<FillText>>, index: usize) -> impl IntoView {
    let text = move || rows.with(|r| r.get(index).cloned().unwrap_or(FillText { price: String::new(), quantity: String::new() }));
    let check = Memo::new(move |_| check_fill(index + 1, &text()));
    view! {
        <div class="sp-row">
            <TextField
                id=format!("fill-{index}-price")
                label=format!("Fill {} price", index + 1)
                value=Signal::derive(move || text().price)
                error=Signal::derive(move || check.get().price_error)
                on_input=move |v| rows.update(|r| if let Some(row) = r.get_mut(index) { row.price = v; })
            />
            <TextField
                id=format!("fill-{index}-quantity")
                label=format!("Fill {} quantity", index + 1)
                value=Signal::derive(move || text().quantity)
                error=Signal::derive(move || check.get().quantity_error)
                on_input=move |v| rows.update(|r| if let Some(row) = r.get_mut(index) { row.quantity = v; })
            />
        </div>
    }
}

/// A labelled decimal input with its message underneath; an invalid input is marked `aria-invalid` and described
/// by the message.
#[component]
pub fn TextField(
    /// The input's id (the label points at it).
    id: String,
    /// The visible label.
    label: String,
    /// The text as typed.
    #[prop(into)]
    value: Signal<String>,
    /// The message when the text is invalid.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called with the new text on every keystroke.
    on_input: impl Fn(String) + 'static,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="sp-field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" inputmode="decimal" autocomplete="off" spellcheck="false"
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| on_input(event_target_value(&ev)) />
            <span class="sp-error" id=error_id role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(price: &str, quantity: &str) -> FillText {
        FillText { price: price.into(), quantity: quantity.into() }
    }

    #[test]
    fn averages_valid_rows_and_names_bad_fields() {
        assert_eq!(average_text(&[row("10000", "1"), row("13000", "2")]), Ok("12000".into()));
        let bad = check_fill(2, &row("-5", "x"));
        assert_eq!(bad.price_error.as_deref(), Some("fill 2 price: must be above 0"));
        assert!(bad.quantity_error.as_deref().is_some_and(|m| m.starts_with("fill 2 quantity: `x` is not a number")));
        assert_eq!(average_text(&[row("10000", "1"), row("", "2")]), Ok("10000".into()));
        assert!(average_text(&[row("", "")]).is_err());
    }
}
