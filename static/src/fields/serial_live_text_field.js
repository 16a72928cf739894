import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useDebounced} from "@web/core/utils/timing";
import {TextField, textField} from "@web/views/fields/text/text_field";
import {useEffect} from "@odoo/owl";

/** Time after the last keystroke before the text is checked (the issue asks ≤ 300 ms). */
export const LIVE_CHECK_DELAY_MS = 250;

/**
 * The serials box: what is typed, pasted or scanned into it goes to the server as the
 * user works (one onchange per pause, which the server checks as a whole), instead of
 * when the box loses focus. With `enter_commits`, Enter sends the text at once (a
 * scanner in the box ends each serial with Enter) and `live` can be off so that a half
 * typed serial is not checked. The server stays the only judge of the serials.
 */
export class SerialLiveTextField extends TextField {
    static template = "stock_serial_tracking.SerialLiveTextField";
    static props = {
        ...TextField.props,
        live: {type: Boolean, optional: true},
        enterCommits: {type: Boolean, optional: true},
        clearButton: {type: Boolean, optional: true},
        suggestionField: {type: String, optional: true},
    };
    static defaultProps = {...TextField.defaultProps, live: true};

    setup() {
        super.setup();
        this.commitSoon = useDebounced(this.commit, LIVE_CHECK_DELAY_MS);
        useEffect(
            (textarea) => {
                if (!textarea) {
                    return;
                }
                const onInput = (ev) =>
                    (this.props.live || ev.inputType === "insertFromPaste") &&
                    this.commitSoon();
                const onKeydown = (ev) => {
                    if (this.props.enterCommits && ev.key === "Enter" && !ev.shiftKey) {
                        ev.preventDefault();
                        this.commitSoon.cancel();
                        this.commit();
                    }
                };
                // A click into the box puts the caret where it lands, which drops the
                // selection made on focus: the first click after focus selects again.
                let clickSelects = false;
                const onFocus = () => {
                    clickSelects = true;
                    this.selectSuggestion();
                };
                const onClick = () => {
                    if (
                        clickSelects &&
                        textarea.selectionStart === textarea.selectionEnd
                    ) {
                        this.selectSuggestion();
                    }
                    clickSelects = false;
                };
                const onPaste = (ev) => this.pasteOverSuggestion(ev);
                textarea.addEventListener("input", onInput);
                textarea.addEventListener("keydown", onKeydown);
                textarea.addEventListener("focus", onFocus);
                textarea.addEventListener("click", onClick);
                textarea.addEventListener("paste", onPaste);
                if (document.activeElement === textarea) {
                    clickSelects = true;
                    this.selectSuggestion();
                }
                return () => {
                    textarea.removeEventListener("input", onInput);
                    textarea.removeEventListener("keydown", onKeydown);
                    textarea.removeEventListener("focus", onFocus);
                    textarea.removeEventListener("click", onClick);
                    textarea.removeEventListener("paste", onPaste);
                };
            },
            () => [this.textareaRef.el]
        );
    }

    /**
     * A suggested text (serials from Next Serial) is selected when the box gets focus, so
     * that the first scan or keystroke replaces it instead of being added to it.
     */
    selectSuggestion() {
        if (this.showsSuggestion()) {
            this.textareaRef.el.select();
        }
    }

    /** Whether the box holds the suggested text, untouched. */
    showsSuggestion() {
        const suggestion = this.props.suggestionField
            ? this.props.record.data[this.props.suggestionField]
            : "";
        return (
            Boolean(suggestion) &&
            this.textareaRef.el.value.trim() === suggestion.trim()
        );
    }

    /**
     * A paste into the untouched suggestion replaces it, wherever the caret is: pasted
     * serials merged into suggested ones ("MX-01010MX-2000") are never what was meant.
     */
    pasteOverSuggestion(ev) {
        const text = ev.clipboardData?.getData("text/plain");
        if (!text || !this.showsSuggestion()) {
            return;
        }
        ev.preventDefault();
        const textarea = this.textareaRef.el;
        textarea.value = text;
        textarea.dispatchEvent(
            new InputEvent("input", {inputType: "insertFromPaste", bubbles: true})
        );
    }

    /** Hands the text to the record the way leaving the box does (useInputField). */
    commit() {
        this.textareaRef.el?.dispatchEvent(new Event("change"));
    }

    async onClear() {
        this.commitSoon.cancel();
        this.textareaRef.el.value = "";
        await this.props.record.update({[this.props.name]: false});
        this.textareaRef.el.focus();
    }
}

export const serialLiveTextField = {
    ...textField,
    component: SerialLiveTextField,
    displayName: _t("Serials (checked as typed)"),
    supportedTypes: ["text"],
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...textField.extractProps(fieldInfo, dynamicInfo),
        live: fieldInfo.options.live ?? true,
        enterCommits: Boolean(fieldInfo.options.enter_commits),
        clearButton: Boolean(fieldInfo.options.clear_button),
        suggestionField: fieldInfo.options.suggestion_field,
    }),
};

registry.category("fields").add("serial_live_text", serialLiveTextField);
