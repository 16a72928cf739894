import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { WarningDialog } from "@web/core/errors/error_dialogs";

/**
 * Validation refused because units have no serial (the server's SerialsMissingError, a
 * UserError whose second argument is the first move concerned): the message, and a
 * button that opens the serial dialog on that move, then reloads the transfer.
 */
export class SerialsMissingDialog extends WarningDialog {
    static template = "stock_serial_tracking.SerialsMissingDialog";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.moveId = this.props.data?.arguments?.[1];
        this.title = _t("Serials missing");
    }

    async onEnterSerials() {
        const action = await this.orm.call("stock.move", "action_open_serial_entry", [
            [this.moveId],
        ]);
        this.props.close();
        await this.actionService.doAction(action, {
            // Opened from an error, the dialog has no form button to reload the transfer.
            onClose: () => this.actionService.doAction("soft_reload"),
        });
    }
}

registry
    .category("error_dialogs")
    .add(
        "odoo.addons.stock_serial_tracking.models.stock_move_line.SerialsMissingError",
        SerialsMissingDialog
    );
