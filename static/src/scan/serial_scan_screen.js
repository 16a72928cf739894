import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useState } from "@odoo/owl";
import { playScanSound } from "../scan_sound";

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
    static props = { ...standardActionServiceProps };

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
            if (params.picking_id) {
                await this.openTransfer(params.picking_id);
            } else {
                await this.loadTransfers();
            }
        });
        // Scans are queued: a fast scanner never overtakes the answer to the last scan.
        this.queue = Promise.resolve();
        useBus(useService("barcode").bus, "barcode_scanned", (ev) => {
            const { barcode } = ev.detail;
            this.queue = this.queue.then(() => this.onScan(barcode));
        });
    }

    get progress() {
        const lines = this.state.transfer?.lines.filter((line) => line.serialized) || [];
        return {
            done: lines.reduce((total, line) => total + Math.min(line.done, line.expected), 0),
            expected: lines.reduce((total, line) => total + line.expected, 0),
        };
    }

    async loadTransfers() {
        this.state.transfers = await this.orm.call("stock.picking", "serial_scan_transfers", [
            this.pickingTypeId,
        ]);
    }

    async openTransfer(pickingId) {
        const transfer = await this.orm.call("stock.picking", "serial_scan_state", [[pickingId]]);
        Object.assign(this.state, {
            transfer,
            history: [],
            confirmBackorder: false,
            selectedMoveId: transfer.lines.filter((line) => line.serialized).length === 1
                ? transfer.lines.find((line) => line.serialized).move_id
                : false,
        });
    }

    async backToTransfers() {
        Object.assign(this.state, { transfer: null, feedback: null, history: [] });
        await this.loadTransfers();
    }

    answer(result) {
        this.state.feedback = { ok: result.ok, message: result.message };
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
            const found = await this.orm.call("stock.picking", "serial_scan_find_transfer", [
                barcode,
            ]);
            if (!found.ok) {
                return this.answer(found);
            }
            await this.openTransfer(found.picking_id);
            return this.answer({ ok: true, message: this.state.transfer.name });
        }
        const result = await this.orm.call(
            "stock.picking",
            "serial_scan",
            [[this.state.transfer.id], barcode],
            { move_id: this.state.selectedMoveId }
        );
        this.state.confirmBackorder = false;
        if (result.ok) {
            this.state.selectedMoveId = result.move_id;
            if (result.serial) {
                this.state.history.push({ moveId: result.move_id, serial: result.serial });
            }
        }
        this.answer(result);
    }

    async runCommand(command) {
        if (command === "back") {
            return this.backToTransfers();
        }
        if (!this.state.transfer) {
            return this.answer({ ok: false, message: _t("Scan a transfer first.") });
        }
        return command === "validate" ? this.validate() : this.undo();
    }

    async undo() {
        const last = this.state.history.pop();
        if (!last) {
            return this.answer({ ok: false, message: _t("Nothing to undo.") });
        }
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
            { backorder: this.state.confirmBackorder }
        );
        this.state.confirmBackorder = result.confirm === "backorder";
        if (this.state.confirmBackorder) {
            this.state.feedback = { ok: null, message: result.message };
            this.state.transfer = result.transfer;
            return;
        }
        this.answer(result);
        if (result.done) {
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
