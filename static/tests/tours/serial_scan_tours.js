import {registry} from "@web/core/registry";
import {ok, recordTones, refused, scanStep, scanTransfer} from "./serial_tour_helpers";

registry.category("web_tour.tours").add("stock_serial_scan_phone_tour", {
    steps: () => [
        {
            content: "The open transfers are listed",
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('WH/IN/')",
            run: recordTones,
        },
        {
            content: "Scan the receipt's reference",
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('WH/OUT/')",
            run: () => scanTransfer("Tour Vendor"),
        },
        {
            trigger:
                ".o_serial_scan_line:contains('Tour Laptop') .o_serial_scan_count:contains('0/5')",
        },
        ...scanStep(
            "04012345000016",
            ok("Tour Laptop: scan its serials"),
            "Scan the product"
        ),
        ...scanStep("PH-1", ok("PH-1: Tour Laptop 1/5")),
        ...scanStep("PH-2", ok("PH-2: Tour Laptop 2/5")),
        ...scanStep(
            "(01)04012345000016(21)PH-3",
            ok("PH-3: Tour Laptop 3/5"),
            "Scan a GS1 label"
        ),
        ...scanStep("PH-4", ok("PH-4: Tour Laptop 4/5")),
        ...scanStep("PH-5", ok("PH-5: Tour Laptop 5/5")),
        {
            trigger:
                ".o_serial_scan_line.o_complete .o_serial_scan_count:contains('5/5')",
        },
        ...scanStep("O-BTN.validate", ok("validated"), "Scan the Validate command"),
        {
            content: "Back on the list; scan the delivery's reference",
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('WH/OUT/')",
            run: () => scanTransfer("Tour Customer"),
        },
        {
            trigger:
                ".o_serial_scan_line:contains('Tour Laptop') .o_serial_scan_count:contains('0/3')",
        },
        ...scanStep("PH-5", ok("PH-5: Tour Laptop 1/3")),
        ...scanStep("PH-2", ok("PH-2: Tour Laptop 2/3")),
        ...scanStep("(01)04012345000016(21)PH-4", ok("PH-4: Tour Laptop 3/3")),
        ...scanStep("O-BTN.validate", ok("validated")),
        {
            content: "Each accepted scan beeped high",
            trigger:
                ".o_serial_scan:not(:has(.o_serial_scan_transfer:contains('Tour Customer')))",
            run: () => {
                if (window.serialTones.some((tone) => tone !== "ok")) {
                    throw new Error(`a scan was refused: ${window.serialTones}`);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("stock_serial_scan_refusals_tour", {
    steps: () => [
        {
            content: "The Inventory overview has a Scan button on each operation type",
            trigger:
                ".o_kanban_record:has(.fw-bold:contains('Delivery Orders')) .o_serial_scan_button",
            run: "click",
        },
        {
            content: "Tap the delivery",
            trigger: ".o_serial_scan .o_serial_scan_transfer:contains('Tour Customer')",
            run: "click",
        },
        {
            trigger: ".o_serial_scan_line .o_serial_scan_count:contains('0/3')",
            run: recordTones,
        },
        ...scanStep("NOPE-1", refused("NOPE-1 refused: unknown serial of Tour Laptop")),
        ...scanStep(
            "SC-1",
            refused("SC-1 refused: a serial of Tour Scope, not of this product")
        ),
        ...scanStep(
            "(01)04012345000016(21)TS-2",
            ok("TS-2: Tour Laptop 1/3"),
            "A GS1 label"
        ),
        ...scanStep(
            "TS-2",
            refused("TS-2 refused: already entered"),
            "The same serial again"
        ),
        ...scanStep(
            "(01)09501101530003(21)TS-3",
            refused("09501101530003, which is not on")
        ),
        ...scanStep("TS-3", ok("TS-3: Tour Laptop 2/3")),
        {
            content: "Undo the last scan",
            trigger: ".o_serial_scan_undo:enabled",
            run: "click",
        },
        {
            trigger: ".o_serial_scan_line .o_serial_scan_count:contains('1/3')",
        },
        ...scanStep("TS-4", ok("TS-4: Tour Laptop 2/3")),
        ...scanStep(
            "O-BTN.validate",
            ".o_serial_scan_feedback.o_scan_question:contains('Units still without a serial: 1')"
        ),
        {
            content: "Refusals sounded low, acceptances high",
            trigger: ".o_serial_scan_backorder",
            run: () => {
                const heard = window.serialTones.filter(
                    (tone, i, all) => tone !== all[i - 1]
                );
                const expected = ["refused", "ok", "refused", "ok"];
                if (heard.slice(0, expected.length).join() !== expected.join()) {
                    throw new Error(`unexpected tones: ${window.serialTones}`);
                }
            },
        },
        ...scanStep(
            "O-BTN.validate",
            ok("the rest is in WH/OUT/"),
            "Validate with a backorder"
        ),
    ],
});
