import {registry} from "@web/core/registry";
import {scan} from "./serial_tour_helpers";

const PREVIEW = ".modal .o_serial_entry_preview";

/** Validates the open transfer, waits until it is done, then opens the serial list. */
function validateThenOpenSerialList() {
    return [
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status:has(.o_arrow_button_current:contains('Done'))",
            expectUnloadPage: true,
            run: () => {
                window.location.href = "/odoo/action-stock.action_production_lot_form";
            },
        },
    ];
}
const SERIALS_TEXT = ".modal .o_field_widget[name=serials_text] textarea";

/** Types `text` into the serials box and leaves it, as a person does, so it is saved. */
function typeSerials(text) {
    return async (helpers) => {
        await helpers.edit(text, SERIALS_TEXT);
        await helpers.click(".modal .modal-title");
    };
}

registry.category("web_tour.tours").add("stock_serial_entry_tour", {
    steps: () => [
        {
            content: "The receipt says serials are missing",
            trigger:
                ".o_form_view button[name=action_open_serial_entry]:contains('Enter Serials')",
            run: "click",
        },
        {
            content: "Paste serials with spans and mixed separators",
            trigger: SERIALS_TEXT,
            run: typeSerials("1000-1004, 2000;2001\n2002"),
        },
        {
            content: "The preview counts 8 serials before anything is written",
            trigger: `${PREVIEW}:contains('8 serials for 9 expected units')`,
        },
        {
            content: "Add a serial typed with a letter l among digits",
            trigger: SERIALS_TEXT,
            run: typeSerials("1000-1004, 2000;2001\n2002\n1l1"),
        },
        {
            content: "The preview warns about the look-alike",
            trigger: `${PREVIEW} .alert-warning:contains('looks like 111')`,
        },
        {
            content: "Fix it",
            trigger: SERIALS_TEXT,
            run: typeSerials("1000-1004, 2000;2001\n2002\n111"),
        },
        {
            trigger: `${PREVIEW}:contains('9 serials for 9 expected units'):not(:has(.alert-warning))`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Every unit has its serial",
            trigger:
                ".o_field_widget[name=move_ids] .o_data_row td[name=serial_progress]:contains('9/9')",
        },
        ...validateThenOpenSerialList(),
        {
            content: "The serials are on the lots list",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('2002')",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=name]:contains('111')",
        },
    ],
});

registry.category("web_tour.tours").add("stock_serial_scan_tour", {
    steps: () => [
        {
            trigger:
                ".o_form_view button[name=action_open_serial_entry]:contains('Enter Serials')",
            run: "click",
        },
        {
            trigger: SERIALS_TEXT,
            run: async (helpers) => {
                await helpers.clear(SERIALS_TEXT);
                await helpers.click(".modal .modal-title");
            },
        },
        {
            trigger: `${PREVIEW}:contains('Scan, type or paste the serials of the 2 expected units')`,
            run: () => scan("SCAN-0001"),
        },
        {
            trigger: `${PREVIEW}:contains('1 serial for 2 expected units')`,
            run: () => scan("(01)04012345000016(21)SCAN-0002"),
        },
        {
            content: "The GS1 scan added the serial of AI (21)",
            trigger: `${PREVIEW}:contains('2 serials for 2 expected units')`,
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=move_ids] .o_data_row td[name=serial_progress]:contains('2/2')",
        },
    ],
});

registry.category("web_tour.tours").add("stock_serial_delivery_tour", {
    steps: () => [
        {
            content: "Open the serial selector of the delivery line",
            trigger:
                ".o_field_widget[name=move_ids] .o_data_row button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            content: "The oldest three serials are suggested",
            trigger: ".modal .o_field_widget[name=selected_count]:contains('3')",
        },
        {
            trigger: ".modal button[name=action_select_none]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=selected_count]:contains('0')",
            run: () => scan("TD-4"),
        },
        {
            trigger: ".modal .o_field_widget[name=selected_count]:contains('1')",
            run: () => scan("TD-5"),
        },
        {
            content: "Tick one more by hand",
            trigger: ".modal .o_field_widget[name=selected_count]:contains('2')",
            run: async (helpers) => {
                await helpers.click(
                    ".modal .o_data_row:has(td:contains('TD-1')) .o_boolean_toggle input"
                );
            },
        },
        {
            trigger: ".modal .o_field_widget[name=selected_count]:contains('3')",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=move_ids] .o_data_row td[name=serial_progress]:contains('3/3')",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status:has(.o_arrow_button_current:contains('Done'))",
        },
        {
            content: "Return one unit",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Return')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=serials_text] textarea",
            run: async (helpers) => {
                await helpers.edit(
                    "TD-4",
                    ".modal .o_field_widget[name=serials_text] textarea"
                );
                await helpers.click(".modal .modal-title");
            },
        },
        {
            content: "The returned serial is chosen; the quantity follows it",
            trigger: ".modal .o_field_widget[name=lot_ids] .o_tag:contains('TD-4')",
        },
        {
            trigger: ".modal button[name=action_create_returns]",
            run: "click",
        },
        ...validateThenOpenSerialList(),
        {
            content: "Statuses on the serial list",
            trigger:
                ".o_list_view .o_data_row:has(td[name=name]:contains('TD-4')) td[name=serial_status]:contains('In stock')",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(td[name=name]:contains('TD-5')) td[name=serial_status]:contains('Delivered')",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(td[name=name]:contains('TD-1')) td[name=serial_status]:contains('Delivered')",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(td[name=name]:contains('TD-2')) td[name=serial_status]:contains('In stock')",
        },
    ],
});

registry.category("web_tour.tours").add("stock_serial_missing_tour", {
    steps: () => [
        {
            content: "Validate a receipt whose units have no serial yet",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The error says what is missing and offers the serial dialog",
            trigger:
                ".modal:contains('2 of 2 units without a serial') .o_serials_missing_enter",
            run: "click",
        },
        {
            content: "The serial dialog opens on the receipt's move",
            trigger: ".modal .o_field_widget[name=serials_text] textarea",
            run: typeSerials("MISS-1, MISS-2"),
        },
        {
            trigger:
                ".modal .o_serial_entry_preview:contains('2 serials for 2 expected units')",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Back on the receipt, reloaded with the serials entered",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_field_widget[name=move_ids] td:contains('2/2')",
        },
    ],
});
