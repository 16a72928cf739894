import {Dialog} from "@web/core/dialog/dialog";
import {standardErrorDialogProps} from "@web/core/errors/error_dialogs";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {Component} from "@odoo/owl";

/**
 * The error shown when a transfer is validated with serialized units still without a
 * serial. The server raises a UserError subclass (what Odoo's callers catch) whose context
 * names the move to fix: this dialog offers to open the serial dialog on it.
 */
export class SerialsMissingDialog extends Component {
    static template = "stock_serial_tracking.SerialsMissingDialog";
    static components = {Dialog};
    static props = {...standardErrorDialogProps};

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.message = this.props.data.message;
        this.moveId = this.props.data.context.serial_move_id;
    }

    async enterSerials() {
        const action = await this.orm.call("stock.move", "action_open_serial_entry", [
            [this.moveId],
        ]);
        this.props.close();
        // Back on the transfer, show what was entered (and leave nothing unsaved).
        await this.action.doAction(action, {
            onClose: () =>
                this.action.doAction({type: "ir.actions.client", tag: "soft_reload"}),
        });
    }
}

registry
    .category("error_dialogs")
    .add(
        "odoo.addons.stock_serial_tracking.models.stock_move_line.SerialsMissingError",
        SerialsMissingDialog
    );
