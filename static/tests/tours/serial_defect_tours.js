import {registry} from "@web/core/registry";
import {lastTone, recordTones, scan} from "./serial_tour_helpers";

const BOX = ".modal .o_field_widget[name=serials_text] textarea";
const PREVIEW = ".modal .o_serial_entry_preview";
const FEEDBACK = ".modal .o_serial_scan_feedback";

/** Fails the step unless the last tone played is `expected` ("ok" or "refused"). */
function expectTone(expected) {
    return () => {
        if (lastTone() !== expected) {
            throw new Error(
                `expected a "${expected}" tone, heard ${window.serialTones}`
            );
        }
    };
}

/**
 * The header button `name` of the form: in the status bar on a desktop, in its "More"
 * menu on a phone (where only the first button stays visible), opened first if needed.
 */
function statusbarButton(name, content, run) {
    const button = `.o_statusbar_buttons button[name=${name}]`;
    return [
        {
            content,
            trigger: ".o_form_view .o_statusbar_buttons",
            run: async (helpers) => {
                if (!document.querySelector(`.o_form_view ${button}`)) {
                    await helpers.click(
                        ".o_form_view .o_statusbar_buttons button[title=More]"
                    );
                }
            },
        },
        {
            trigger: `.o_form_view ${button}, .o-dropdown--menu button[name=${name}]`,
            run,
        },
    ];
}

/**
 * A receipt of 3 Tour Laptops (Next Serial TL-00001), as a new user meets it: issue 11,
 * defects 1, 2, 4, 6, 8 (re-open after Apply), 9 and 10.
 */
registry.category("web_tour.tours").add("stock_serial_receipt_defects_tour", {
    steps: () => [
        {
            content: "Nothing to print yet: no Serial Labels button (defect 4)",
            trigger:
                ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_print_serial_labels]))",
            run: recordTones,
        },
        ...statusbarButton("button_validate", "Validate", "click"),
        {
            content: "The refusal's Enter Serials button opens the dialog (defect 1)",
            trigger: ".modal button.o_serials_missing_enter",
            run: "click",
        },
        {
            content: "Suggested from Next Serial, complete: green",
            trigger: `${PREVIEW} .o_serial_state_complete:contains('3 serials for 3 expected units')`,
            run: () => scan("LBL-1"),
        },
        {
            content:
                "The first scan replaces the suggestion instead of duplicating it (defect 9)",
            trigger: `${FEEDBACK}.o_scan_ok:contains('LBL-1 added')`,
            run: expectTone("ok"),
        },
        {
            trigger: `${PREVIEW} .o_serial_state_short:contains('1 serial for 3 expected units')`,
            run: () => scan("LBL-1"),
        },
        {
            content:
                "A refused scan is answered inline, with a low tone, no modal (defect 10)",
            trigger: `${FEEDBACK}.o_scan_refused:contains('LBL-1 refused: already entered')`,
            run: () => {
                expectTone("refused")();
                if (document.querySelectorAll(".modal").length !== 1) {
                    throw new Error("a refused scan must not open a dialog");
                }
            },
        },
        {
            content: "Clear empties the box (defect 9)",
            trigger: ".modal .o_serial_clear",
            run: "click",
        },
        {
            content: "An empty box is a hint, not an error (defect 9)",
            trigger: `${PREVIEW}:contains('Scan, type or paste the serials of the 3 expected units'):not(:has(.alert-danger))`,
        },
        {
            content: "Type without leaving the box",
            trigger: BOX,
            run: async (helpers) => await helpers.edit("LBL-1\nLBL-1\nLX-0OO10", BOX),
        },
        {
            content:
                "The preview follows the typing (defect 2); errors make the count red (defect 6)",
            trigger: `${PREVIEW} .o_serial_state_errors:contains('2 serials for 3 expected units')`,
        },
        {
            content: "A duplicate reads as a person says it (defect 6)",
            trigger: `${PREVIEW} tr.table-danger:contains('entered twice: on line 1 and on line 2')`,
        },
        {
            content: "The look-alike is flagged in the table too (defect 6)",
            trigger: `${PREVIEW} tr.table-warning:contains('looks like LX-00010')`,
        },
        {
            trigger: BOX,
            run: async (helpers) => await helpers.edit("LBL-1, LBL-2, LBL-3", BOX),
        },
        {
            trigger: `${PREVIEW} .o_serial_state_complete:contains('3 serials for 3 expected units')`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "3/3 on the operation's row (desktop) or card (phone)",
            trigger: [
                ".o_field_widget[name=move_ids] .o_data_row td[name=serial_progress]:contains('3/3')",
                ".o_field_widget[name=move_ids] .o_serial_card:contains('3/3')",
            ].join(", "),
        },
        ...statusbarButton(
            "action_print_serial_labels",
            "Serials entered, not yet received: labels can print (defect 4)",
            () => document.body.click() // closes the phone's menu
        ),
        {
            content: "Back into the dialog after Apply (defect 8)",
            trigger:
                ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: `${PREVIEW} .o_serial_state_complete:contains('3 serials for 3 expected units')`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

const SELECTOR_BOX = ".modal .o_field_widget[name=serials_text] textarea";
const TICKED = ".modal .o_field_widget[name=selected_count]";

/**
 * A delivery on a 390×844 phone, where Odoo reserved serials at confirmation: the card
 * shows Serials n/N and a Serials button (defect 8); in the selector a serial typed then
 * Enter, or scanned while the cursor is in the box, is ticked at once (defect 2).
 */
registry.category("web_tour.tours").add("stock_serial_phone_delivery_tour", {
    steps: () => [
        {
            content: "The operation card shows the serial progress (defect 8)",
            trigger:
                ".o_field_widget[name=move_ids] .o_kanban_record .o_serial_card:contains('3/3')",
        },
        {
            content: "The selector opens although Odoo reserved the serials (defect 8)",
            trigger:
                ".o_field_widget[name=move_ids] .o_kanban_record .o_serial_card button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            trigger: `${TICKED}:contains('3')`,
        },
        {
            trigger: ".modal button[name=action_select_none]",
            run: "click",
        },
        {
            trigger: `${TICKED}:contains('0')`,
        },
        {
            content:
                "Type a serial and press Enter, without leaving the box (defect 2)",
            trigger: SELECTOR_BOX,
            run: async (helpers) => {
                await helpers.edit("TD-4", SELECTOR_BOX);
                await helpers.press("Enter");
            },
        },
        {
            trigger: `${TICKED}:contains('1')`,
        },
        {
            content:
                "A scanner typing into the box (keys, then Enter) ticks too (defect 2)",
            trigger: `${SELECTOR_BOX}:focus`,
            run: async (helpers) => {
                await helpers.fill("TD-5", SELECTOR_BOX);
                await helpers.press("Enter");
            },
        },
        {
            trigger: `${TICKED}:contains('2')`,
        },
        {
            trigger:
                ".modal .o_serial_scan_feedback.o_scan_ok:contains('1 of 1 serials ticked')",
        },
        {
            trigger:
                ".modal .o_data_row:has(td:contains('TD-1')) .o_boolean_toggle input",
            run: "click",
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
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] .o_kanban_record .o_serial_card:contains('3/3')",
        },
    ],
});
