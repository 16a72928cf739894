import {registry} from "@web/core/registry";
import {
    SCAN_FEEDBACK,
    ok,
    refused,
    scan,
    scanStep,
    scanTransfer,
} from "./serial_tour_helpers";

// Issue 20: what a new user still met, on the phone (390×844) and in the dialogs.

const BOX = ".modal .o_field_widget[name=serials_text] textarea";
const PREVIEW = ".modal .o_serial_entry_preview";
const TICKED = ".modal .o_field_widget[name=selected_count]";

/**
 * Pastes `text` into `textarea` as a browser does: a `paste` event first; unless a handler
 * took it (preventDefault), the text replaces the selection, then an `input` event.
 */
function paste(textarea, text) {
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", text);
    const event = new ClipboardEvent("paste", {
        clipboardData,
        bubbles: true,
        cancelable: true,
    });
    if (textarea.dispatchEvent(event)) {
        textarea.setRangeText(
            text,
            textarea.selectionStart,
            textarea.selectionEnd,
            "end"
        );
        textarea.dispatchEvent(
            new InputEvent("input", {inputType: "insertFromPaste", bubbles: true})
        );
    }
}

/**
 * Clicks into `textarea` as a mouse does: focus on mousedown, then the caret where the
 * pointer is (here the end) on mouseup, which drops a selection made on focus, then click.
 */
function clickInto(textarea) {
    textarea.dispatchEvent(new MouseEvent("mousedown", {bubbles: true}));
    textarea.focus();
    textarea.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    textarea.dispatchEvent(new MouseEvent("click", {bubbles: true}));
}

/** Fails unless `selector`'s text fits its box (nothing runs off the right edge). */
function checkWraps(selector) {
    const element = document.querySelector(selector);
    if (element.scrollWidth > element.clientWidth + 1) {
        throw new Error(
            `${selector} runs off its box: ${element.scrollWidth}px in ${element.clientWidth}px`
        );
    }
}

/**
 * The first steps of both answers to Odoo's question: scan the delivery, its serial, then
 * the Validate command; the question is shown, and nothing says "validated" yet.
 */
function scanDeliveryAndValidate() {
    return [
        {
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Customer')",
            run: () => scanTransfer("Tour Customer"),
        },
        ...scanStep("TD-2", ok("TD-2: Tour Laptop 1/1")),
        {
            content: "Scan the Validate command",
            trigger: ".o_serial_scan",
            run: () => scan("O-BTN.validate"),
        },
        {
            content: "Odoo's question is shown, and nothing says validated yet",
            trigger: ".modal:contains('confirm this Delivery Order by SMS')",
            run: () => {
                const feedback = document.querySelector(SCAN_FEEDBACK);
                if (feedback?.textContent.includes("validated")) {
                    throw new Error(
                        `"validated" shown before the transfer is done: ${feedback.textContent}`
                    );
                }
            },
        },
    ];
}

/** 1. A validate that returns a question (here stock_sms's) is answered on the phone. */
registry.category("web_tour.tours").add("stock_serial_scan_validate_question_tour", {
    steps: () => [
        ...scanDeliveryAndValidate(),
        {
            trigger: ".modal button[name=dont_send_sms]",
            run: "click",
        },
        {
            content: "Validated once done: back on the list",
            trigger: `body:not(:has(.modal)) ${SCAN_FEEDBACK}.o_scan_ok:contains('validated')`,
        },
        {
            trigger:
                ".o_serial_scan:not(:has(.o_serial_scan_transfer:contains('Tour Customer')))",
        },
    ],
});

/** 1 (the other answer). Cancelling the question leaves the transfer, and says so. */
registry.category("web_tour.tours").add("stock_serial_scan_validate_cancel_tour", {
    steps: () => [
        ...scanDeliveryAndValidate(),
        {
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            content: "Not validated: said, and the transfer stays open on the screen",
            trigger: `body:not(:has(.modal)) ${SCAN_FEEDBACK}.o_scan_refused:contains('not validated')`,
        },
        {
            trigger: ".o_serial_scan_name:contains('WH/OUT/')",
        },
    ],
});

/** 2. Two products, both partly scanned, validated from the phone with a backorder. */
registry.category("web_tour.tours").add("stock_serial_scan_two_products_tour", {
    steps: () => [
        {
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Vendor')",
            run: () => scanTransfer("Tour Vendor"),
        },
        ...scanStep("04012345000016", ok("Tour Laptop: scan its serials")),
        ...scanStep("LP-5001", ok("LP-5001: Tour Laptop 1/5")),
        ...scanStep("LP-5002", ok("LP-5002: Tour Laptop 2/5")),
        ...scanStep("04012345000030", ok("Tour Scope: scan its serials")),
        ...scanStep("OS-5001", ok("OS-5001: Tour Scope 1/3")),
        {
            trigger: ".o_serial_scan",
            run: () => scan("O-BTN.validate"),
        },
        {
            trigger: ".o_serial_scan_backorder",
            run: "click",
        },
        {
            trigger: `${SCAN_FEEDBACK}.o_scan_ok:contains('validated; the rest is in')`,
        },
    ],
});

/** 3. GS1 sent without a symbology prefix (a keyboard-wedge scanner's default). */
registry.category("web_tour.tours").add("stock_serial_scan_raw_gs1_tour", {
    steps: () => [
        {
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Vendor')",
            run: () => scanTransfer("Tour Vendor"),
        },
        ...scanStep("010401234500001621LP-90001", ok("LP-90001: Tour Laptop 1/2")),
        ...scanStep(
            "010401234500003021LP-90002",
            refused("GTIN 04012345000030"),
            "A raw GS1 scan of another product's GTIN is refused"
        ),
        {
            trigger:
                ".o_serial_scan_line:contains('Tour Laptop') .o_serial_scan_count:contains('1/2')",
        },
    ],
});

/** 4. `SN-1000-1009`: a span whose end is written short; the preview says how it read. */
registry.category("web_tour.tours").add("stock_serial_short_span_tour", {
    steps: () => [
        {
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: BOX,
            run: async (helpers) =>
                await helpers.edit("SN-1000-1009\nSN-2000-SN-2009", BOX),
        },
        {
            content: "Read as the span SN-1000 … SN-1009: 20 serials",
            trigger: `${PREVIEW} .o_serial_state_complete:contains('20 serials for 20 expected units')`,
        },
        {
            content: "The preview says which reading it took, and how to get the other",
            trigger: `${PREVIEW} tr.table-warning:contains('SN-1000-1009'):contains('Treat A-B as a span')`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=move_ids] .o_data_row td[name=serial_progress]:contains('20/20')",
        },
    ],
});

/** 5. Pasted serials replace the ones Odoo reserved, up to the units to ship. */
registry.category("web_tour.tours").add("stock_serial_select_replaces_tour", {
    steps: () => [
        {
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: `${TICKED}:contains('3')`,
        },
        {
            content: "Paste two serials Odoo did not reserve",
            trigger: ".modal .o_field_widget[name=serials_text] textarea",
            run: () =>
                paste(
                    document.querySelector(
                        ".modal .o_field_widget[name=serials_text] textarea"
                    ),
                    "TD-4\nTD-5"
                ),
        },
        {
            content: "Still 3 ticked: the pasted two and one of Odoo's",
            trigger: ".modal .o_serial_scan_feedback:contains('2 of 2 serials ticked')",
        },
        {
            trigger: `${TICKED}:contains('3')`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] td[name=serial_progress]:contains('3/3')",
        },
    ],
});

/** 6. A reload keeps the transfer (in the URL) and the undo history. */
registry.category("web_tour.tours").add("stock_serial_scan_reload_tour", {
    steps: () => [
        {
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Vendor')",
            run: "click",
        },
        {
            trigger: ".o_serial_scan_name:contains('WH/IN/')",
        },
        ...scanStep("RL-1", ok("RL-1: Tour Laptop 1/2")),
        ...scanStep("RL-2", ok("RL-2: Tour Laptop 2/2")),
        {
            content: "The URL names the transfer",
            trigger: ".o_serial_scan_name:contains('WH/IN/')",
            run: () => {
                if (!/\/scan-serials\/\d+/.test(window.location.pathname)) {
                    throw new Error(
                        `the URL does not name the transfer: ${window.location.pathname}`
                    );
                }
                window.location.reload();
            },
            expectUnloadPage: true,
        },
        {
            content: "After the reload: the same transfer",
            trigger: ".o_serial_scan_name:contains('WH/IN/')",
        },
        {
            content: "... and its undo history",
            trigger: ".o_serial_scan_footer .o_serial_scan_undo:enabled",
            run: "click",
        },
        {
            trigger: `${SCAN_FEEDBACK}.o_scan_ok:contains('RL-2 taken off')`,
        },
        {
            trigger: ".o_serial_scan_line .o_serial_scan_count:contains('1/2')",
        },
    ],
});

/** 7. Errors in the preview: Apply waits; positions once; a refusal wraps on the phone. */
registry.category("web_tour.tours").add("stock_serial_entry_errors_tour", {
    steps: () => [
        {
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: BOX,
            run: async (helpers) => await helpers.edit("V-1\nV-2\nV-2", BOX),
        },
        {
            trigger: `${PREVIEW} .o_serial_state_errors`,
        },
        {
            content: "Apply cannot be pressed while the preview lists errors",
            trigger: ".modal-footer:not(:has(button[name=action_apply]:enabled))",
        },
        {
            content: "The duplicate names both lines, once",
            trigger: `${PREVIEW} .alert-danger li:contains('V-2 is entered twice: on line 2 and on line 3')`,
            run: () => {
                const text = document.querySelector(
                    `${PREVIEW} .alert-danger li`
                ).textContent;
                if ((text.match(/line/g) || []).length !== 3) {
                    // "line 3 · V-2: V-2 is entered twice: on line 2 and on line 3"
                    throw new Error(`positions repeated: ${text}`);
                }
            },
        },
        {
            trigger: BOX,
            run: async (helpers) => await helpers.edit("V-1\nV-2\nV-3", BOX),
        },
        {
            trigger: ".modal-footer button[name=action_apply]:enabled",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] td[name=serial_progress]:contains('3/3')",
        },
    ],
});

/** 7 (phone). A single scan's refusal: no position, and a long one wraps. */
registry.category("web_tour.tours").add("stock_serial_scan_refusal_wraps_tour", {
    steps: () => [
        {
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Vendor')",
            run: "click",
        },
        {
            trigger: ".o_serial_scan_name:contains('WH/IN/')",
        },
        ...scanStep("PT-00001", ok("PT-00001: Tour Laptop 1/2")),
        ...scanStep(
            "NOT-A-PATTERN-SERIAL-AT-ALL-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            refused("does not match the product's serial pattern")
        ),
        {
            content: "No position for one scan, and the text stays on the screen",
            trigger: `${SCAN_FEEDBACK}.o_scan_refused`,
            run: () => {
                const text = document.querySelector(SCAN_FEEDBACK).textContent;
                if (text.includes("line")) {
                    throw new Error(`a position in a single scan's refusal: ${text}`);
                }
                checkWraps(SCAN_FEEDBACK);
                checkWraps(".o_serial_scan");
            },
        },
    ],
});

/** 8. Click, then paste: the paste replaces the suggestion; the preview stays in sight. */
registry.category("web_tour.tours").add("stock_serial_click_then_paste_tour", {
    steps: () => [
        {
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            content: "Suggested from Next Serial",
            trigger: `${PREVIEW} .o_serial_state_complete:contains('20 serials for 20 expected units')`,
        },
        {
            content: "Click into the box, then paste 20 serials",
            trigger: BOX,
            run: () => {
                const box = document.querySelector(BOX);
                clickInto(box);
                paste(
                    box,
                    Array.from({length: 20}, (_, i) => `MX-${2000 + i}`).join("\n")
                );
            },
        },
        {
            content: "The paste replaced the suggestion",
            trigger: `${PREVIEW}:has(.o_serial_state_complete:contains('20 serials for 20 expected units')):contains('MX-2019')`,
            run: () => {
                if (document.querySelector(PREVIEW).textContent.includes("MX-010")) {
                    throw new Error("the paste was merged into the suggestion");
                }
                const top = document
                    .querySelector(`${PREVIEW} p`)
                    .getBoundingClientRect().top;
                if (top > window.innerHeight - 40) {
                    throw new Error(
                        `the preview's count is below the fold (${top}px of ${window.innerHeight}px)`
                    );
                }
            },
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] td[name=serial_progress]:contains('20/20')",
        },
    ],
});

/** 9. A serial returned to stock names no customer on its form. */
registry.category("web_tour.tours").add("stock_serial_returned_form_tour", {
    steps: () => [
        {
            trigger:
                ".o_form_view .o_field_widget[name=serial_status]:contains('In stock')",
        },
        {
            content: "No customer shown for a unit back in stock",
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=partner_ids]:visible)):not(:has(.o_field_widget[name=last_partner_id]:visible))",
        },
    ],
});

/** 10. The Service switch on a product with history: the refusal says what was changed. */
registry.category("web_tour.tours").add("stock_serial_service_switch_tour", {
    steps: () => [
        {
            trigger:
                ".o_form_view .o_field_widget[name=type] input[data-value=service]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content:
                "The refusal names the product, what was changed and what refers to it",
            trigger:
                ".modal:contains('Tour Laptop cannot become a service'):contains('1 stock move')",
            run: () => {
                for (const button of document.querySelectorAll(
                    ".o_error_dialog .o-default-button"
                )) {
                    button.click();
                }
            },
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
        {
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=type] input[data-value=consu]:checked",
        },
    ],
});

/** 10. A hardware scanner typing into the entry box: its first scan replaces the suggestion. */
registry.category("web_tour.tours").add("stock_serial_scan_into_box_tour", {
    steps: () => [
        {
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: `${PREVIEW} .o_serial_state_complete:contains('3 serials for 3 expected units')`,
        },
        {
            content: "Click into the box, then a scanner types a serial and Enter",
            trigger: BOX,
            run: async (helpers) => {
                clickInto(document.querySelector(BOX));
                await helpers.fill("HW-1");
                await helpers.press("Enter");
            },
        },
        {
            trigger: `${PREVIEW}:has(.o_serial_state_short:contains('1 serial for 3 expected units')):contains('HW-1')`,
            run: () => {
                if (document.querySelector(PREVIEW).textContent.includes("TL-00001")) {
                    throw new Error("the scan was added to the suggestion");
                }
            },
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] td[name=serial_progress]:contains('1/3')",
        },
    ],
});
