import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {useBus, useService} from "@web/core/utils/hooks";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {Component, onWillStart, useState} from "@odoo/owl";
import {playScanSound} from "../scan_sound";

/** Command barcodes, as Odoo's Barcode app prints them on its command sheet. */
export const COMMANDS = {
    "O-BTN.validate": "validate",
    "O-CMD.UNDO": "undo",
    "O-CMD.BACK": "back",
};

/**
 * Scan serials into receipts and deliveries, on a phone or with a handheld scanner:
 * scan a transfer's reference, then products and serials (plain or GS1), then
 * O-BTN.validate. Each scan goes to the server (stock.picking.serial_scan), which
 * applies the same rules as the dialogs; the screen shows and sounds the answer.
 * A keyboard-wedge scanner reaches it through Odoo's barcode service: no tap needed.
 */
export class SerialScanScreen extends Component {
    static template = "stock_serial_tracking.SerialScanScreen";
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({
            transfers: [],
            transfer: null,
            selectedMoveId: false,
            feedback: null,
            confirmBackorder: false,
            history: [], // accepted serial scans, for undo: {moveId, serial}
            busy: false,
        });
        const params = this.props.action.params || {};
        this.pickingTypeId = params.picking_type_id || false;
        onWillStart(async () => {
            // The transfer is in the URL (/odoo/scan-serials/<id>): a reload comes back to it.
            const pickingId = params.picking_id || this.props.resId;
            if (pickingId) {
                await this.openTransfer(pickingId);
            } else {
                await this.loadTransfers();
            }
        });
        // Scans are queued: a fast scanner never overtakes the answer to the last scan.
        this.queue = Promise.resolve();
        useBus(useService("barcode").bus, "barcode_scanned", (ev) => {
            const {barcode} = ev.detail;
            this.queue = this.queue.then(() => this.onScan(barcode));
        });
    }

    get progress() {
        const lines =
            this.state.transfer?.lines.filter((line) => line.serialized) || [];
        return {
            done: lines.reduce(
                (total, line) => total + Math.min(line.done, line.expected),
                0
            ),
            expected: lines.reduce((total, line) => total + line.expected, 0),
        };
    }

    async loadTransfers() {
        this.state.transfers = await this.orm.call(
            "stock.picking",
            "serial_scan_transfers",
            [this.pickingTypeId]
        );
    }

    /** Where the undo history of a transfer is kept: it survives a reload of the tab. */
    historyKey(pickingId) {
        return `stock_serial_tracking.scan_history.${pickingId}`;
    }

    saveHistory() {
        const key = this.historyKey(this.state.transfer.id);
        if (this.state.history.length) {
            browser.sessionStorage.setItem(key, JSON.stringify(this.state.history));
        } else {
            browser.sessionStorage.removeItem(key);
        }
    }

    async openTransfer(pickingId) {
        const transfer = await this.orm.call("stock.picking", "serial_scan_state", [
            [pickingId],
        ]);
        this.props.updateActionState?.({resId: transfer.id});
        Object.assign(this.state, {
            transfer,
            history: JSON.parse(
                browser.sessionStorage.getItem(this.historyKey(transfer.id)) || "[]"
            ),
            confirmBackorder: false,
            selectedMoveId:
                transfer.lines.filter((line) => line.serialized).length === 1
                    ? transfer.lines.find((line) => line.serialized).move_id
                    : false,
        });
    }

    async backToTransfers() {
        this.props.updateActionState?.({resId: false});
        Object.assign(this.state, {transfer: null, feedback: null, history: []});
        await this.loadTransfers();
    }

    answer(result) {
        this.state.feedback = {ok: result.ok, message: result.message};
        playScanSound(result.ok);
        if (result.transfer) {
            this.state.transfer = result.transfer;
        }
    }

    async onScan(barcode) {
        const command = COMMANDS[barcode];
        if (command) {
            return this.runCommand(command);
        }
        if (!this.state.transfer) {
            const found = await this.orm.call(
                "stock.picking",
                "serial_scan_find_transfer",
                [barcode]
            );
            if (!found.ok) {
                return this.answer(found);
            }
            await this.openTransfer(found.picking_id);
            return this.answer({ok: true, message: this.state.transfer.name});
        }
        const result = await this.orm.call(
            "stock.picking",
            "serial_scan",
            [[this.state.transfer.id], barcode],
            {move_id: this.state.selectedMoveId}
        );
        this.state.confirmBackorder = false;
        if (result.ok) {
            this.state.selectedMoveId = result.move_id;
            if (result.serial) {
                this.state.history.push({
                    moveId: result.move_id,
                    serial: result.serial,
                });
                this.saveHistory();
            }
        }
        this.answer(result);
    }

    async runCommand(command) {
        if (command === "back") {
            return this.backToTransfers();
        }
        if (!this.state.transfer) {
            return this.answer({ok: false, message: _t("Scan a transfer first.")});
        }
        return command === "validate" ? this.validate() : this.undo();
    }

    async undo() {
        const last = this.state.history.pop();
        if (!last) {
            return this.answer({ok: false, message: _t("Nothing to undo.")});
        }
        this.saveHistory();
        this.answer(
            await this.orm.call("stock.picking", "serial_scan_undo", [
                [this.state.transfer.id],
                last.moveId,
                last.serial,
            ])
        );
    }

    async validate() {
        const result = await this.orm.call(
            "stock.picking",
            "serial_scan_validate",
            [[this.state.transfer.id]],
            {backorder: this.state.confirmBackorder}
        );
        this.state.confirmBackorder = result.confirm === "backorder";
        if (this.state.confirmBackorder) {
            this.state.feedback = {ok: null, message: result.message};
            this.state.transfer = result.transfer;
            return;
        }
        if (result.action && !result.done) {
            // Odoo answered validate with a question (a wizard): it is asked here, and
            // whether the transfer is done is known only once it is closed.
            this.state.feedback = {ok: null, message: result.message};
            const transferId = this.state.transfer.id;
            return this.actionService.doAction(result.action, {
                onClose: async () =>
                    this.validated(
                        await this.orm.call(
                            "stock.picking",
                            "serial_scan_after_question",
                            [[transferId]]
                        )
                    ),
            });
        }
        await this.validated(result);
        // Done, with something to print or show in a dialog (a delivery slip set to print
        // on validation): shown over the screen. A page (the reception report) would take
        // the scanner away: it stays on the transfer, for the desk.
        const action = result.action;
        if (
            action &&
            (action.type === "ir.actions.report" || action.target === "new")
        ) {
            await this.actionService.doAction(action);
        }
    }

    /** Says the outcome of a validation; a done (or queued) transfer leaves the screen. */
    async validated(result) {
        this.answer(result);
        if (result.ok && this.state.transfer) {
            this.state.history = [];
            this.saveHistory();
            const feedback = this.state.feedback;
            await this.backToTransfers();
            this.state.feedback = feedback;
        }
    }

    selectLine(line) {
        if (line.serialized) {
            this.state.selectedMoveId = line.move_id;
        }
    }

    cancelBackorder() {
        this.state.confirmBackorder = false;
        this.state.feedback = null;
    }

    openForm() {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "stock.picking",
            res_id: this.state.transfer.id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("stock_serial_tracking.serial_scan", SerialScanScreen);
