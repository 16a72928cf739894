import {registry} from "@web/core/registry";

/**
 * Issue 11, defects 3, 5 and 7 on desktop: the product form of a serialized product with
 * history, a new product made serialized, and a column pasted into the serial search.
 */
registry.category("web_tour.tours").add("stock_serial_product_and_list_tour", {
    steps: () => [
        {
            content:
                "A product with history: the flag is read-only and says why (defect 5)",
            trigger:
                ".o_form_view .o_serialized_locked_note:contains('cannot change any more')",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=is_serialized].o_readonly_modifier",
        },
        {
            trigger: ".o_form_view .o-form-buttonbox button:contains('More')",
            run: "click",
        },
        {
            content:
                "One serial button: ours, not Odoo's list button as well (defect 7)",
            trigger: ".o-dropdown--menu button[name=action_view_serials]",
            run: () => {
                if (document.querySelector("button[name=action_open_product_lot]")) {
                    throw new Error("Odoo's Lot/Serial Numbers button is still shown");
                }
            },
        },
        {
            trigger: ".o_form_view .o_form_button_create",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=is_storable] input:checked",
        },
        {
            content: "Tick Serialized, do not save",
            trigger:
                ".o_form_view .o_field_widget[name=is_serialized] input:not(:checked)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=is_serialized] input:checked",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=name] textarea, .o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Fresh",
        },
        {
            trigger:
                ".o_form_view .o_notebook a[name=inventory], .o_form_view .o_notebook a:contains('Inventory')",
            run: "click",
        },
        {
            content:
                "Next Serial is there before saving: tracking followed at once (defect 5)",
            trigger:
                ".o_form_view.o_form_dirty, .o_form_view .o_form_status_indicator_buttons:not(.invisible)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=next_expected_serial] input",
            run: "edit TF-00001",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
            expectUnloadPage: true,
            run: () => {
                window.location.href = "/odoo/action-stock.action_production_lot_form";
            },
        },
        {
            content:
                "Paste a column into the serial search: it arrives as words (defect 3)",
            trigger: ".o_searchview_input",
            run: "edit TS-1 TS-3",
        },
        {
            trigger:
                ".o_searchview_autocomplete .o-dropdown-item:contains('Serials (paste many)')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=name]:contains('TS-3')",
        },
        {
            trigger:
                ".o_list_view:not(:has(.o_data_row td[name=name]:contains('TS-2')))",
        },
        {
            content: "The serial column is wide enough for a whole serial (defect 7)",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('TS-1')",
            run: () => {
                const width = document.querySelector(
                    ".o_list_view th[data-name=name]"
                ).offsetWidth;
                if (width < 170) {
                    throw new Error(`the serial column is ${width} px wide`);
                }
            },
        },
    ],
});
