import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {Component, useEffect} from "@odoo/owl";
import {playScanSound} from "../scan_sound";

/**
 * The answer to the last scan of a serial dialog, under the box: a green or red line and
 * a beep. The server sets the field ({seq, ok, message}); each new seq is a new scan.
 */
export class SerialScanFeedbackField extends Component {
    static template = "stock_serial_tracking.SerialScanFeedbackField";
    static props = {...standardFieldProps};

    setup() {
        let heardSeq = this.feedback?.seq;
        useEffect(
            (seq) => {
                if (seq && seq !== heardSeq) {
                    heardSeq = seq;
                    playScanSound(this.feedback.ok);
                }
            },
            () => [this.feedback?.seq]
        );
    }

    get feedback() {
        return this.props.record.data[this.props.name] || null;
    }
}

registry.category("fields").add("serial_scan_feedback", {
    component: SerialScanFeedbackField,
    displayName: _t("Scan feedback"),
    supportedTypes: ["json"],
});
