"""Public methods called the wrong way, over XML-RPC and JSON-2, as a new integrator
would: wrong types, empty or foreign ids, empty scans, control characters. Each answer is
a clear refusal that names what is wrong; no Python or database internals reach the
client, and nothing changes."""

import itertools

import pytest
from conftest import confirmed_transfer, serialized_product, sql
from odoo_server import Refused

# What a refusal must never show: internals instead of a message.
INTERNALS = ("Traceback", "AttributeError", "TypeError", "KeyError", "object has no attribute",
             "Expected singleton", "psycopg2", "NUL (0x00)", "('", "unhashable")
_numbers = itertools.count(1)


@pytest.fixture(scope="module", params=["xmlrpc", "json2"])
def client(request, server):
    return getattr(server, request.param)("e2e_stock_a"), request.param


def call(client, model, method, ids=None, **params):
    """One call, positional for XML-RPC (ids first), by name for JSON-2."""
    rpc, kind = client
    if kind == "json2":
        return rpc.call(model, method, ids, **params)
    return rpc.call(model, method, *([ids] if ids is not None else []), **params)


def refused(client, model, method, ids=None, **params):
    """The call's refusal (raised, or answered as data by the scanner), checked clean."""
    try:
        answer = call(client, model, method, ids, **params)
    except Refused as refusal:
        message = str(refusal)
    else:
        assert isinstance(answer, dict) and answer.get("ok") is False, answer
        message = answer["message"]
    assert message and not any(text in message for text in INTERNALS), message
    return message


@pytest.fixture(scope="module")
def transfers(server):
    """A product with a barcode, a receipt of 2 units and another of 1, open."""
    admin = server.xmlrpc("admin")
    number = next(_numbers)
    product_id = serialized_product(admin, f"API Scope {number}",
                                    barcode=f"0401234500{number:03d}7")
    pickings = [confirmed_transfer(admin, "receipt", product_id, units) for units in (2, 1)]
    return {"product_id": product_id, "pickings": pickings}


def lines_of(picking_id):
    return sql("SELECT count(*) FROM stock_move_line WHERE picking_id = %s", (picking_id,))


@pytest.mark.parametrize("barcode", [5, None, ["A-1"], {"serial": "A-1"}, True])
def test_a_scan_that_is_not_text(client, transfers, barcode):
    picking_id, _move = transfers["pickings"][0]
    before = lines_of(picking_id)
    message = refused(client, "stock.picking", "serial_scan", [picking_id], barcode=barcode)
    assert "expects a string for barcode" in message, message
    assert lines_of(picking_id) == before


@pytest.mark.parametrize("barcode", ["", "   ", "]C1"])
def test_an_empty_scan(client, transfers, barcode):
    picking_id, _move = transfers["pickings"][0]
    before = lines_of(picking_id)
    refused(client, "stock.picking", "serial_scan", [picking_id], barcode=barcode)
    assert lines_of(picking_id) == before


def test_an_fnc1_only_scan(server, transfers):
    """Over JSON-2: XML cannot carry the group separator."""
    picking_id, _move = transfers["pickings"][0]
    before = lines_of(picking_id)
    refused((server.json2("e2e_stock_a"), "json2"), "stock.picking", "serial_scan",
            [picking_id], barcode="\x1d")
    assert lines_of(picking_id) == before


def test_a_gs1_scan_with_an_empty_serial(client, transfers, server):
    picking_id, _move = transfers["pickings"][0]
    [product] = server.xmlrpc("admin").call("product.product", "read",
                                            [transfers["product_id"]], fields=["barcode"])
    before = lines_of(picking_id)
    refused(client, "stock.picking", "serial_scan", [picking_id],
            barcode=f"(01){product['barcode']}(21)")
    assert lines_of(picking_id) == before


@pytest.mark.parametrize("ids", [[], "both"])
def test_scans_on_no_transfer_or_on_two(client, transfers, ids):
    if ids == "both":
        ids = [picking_id for picking_id, _move in transfers["pickings"]]
    refused(client, "stock.picking", "serial_scan", ids, barcode="A-1")


def test_an_undo_acts_only_on_the_transfers_own_moves(client, transfers, server):
    (first, _first_move), (second, second_move) = transfers["pickings"]
    admin = server.xmlrpc("admin")
    admin.call("stock.move", "set_serials_from_text", [second_move], text="UNDO-OTHER-1")
    refused(client, "stock.picking", "serial_scan_undo", [first], move_id=second_move,
            serial="UNDO-OTHER-1")
    assert sql("SELECT lot_name FROM stock_move_line WHERE move_id = %s",
               (second_move,)) == [("UNDO-OTHER-1",)]
    message = refused(client, "stock.picking", "serial_scan_undo", [second],
                      move_id=second_move, serial="NEVER-SCANNED")
    assert "NEVER-SCANNED" in message and "is not on the line" in message, message


def test_other_wrong_arguments(client, transfers):
    refused(client, "stock.picking", "serial_scan_transfers", picking_type_id={"id": 1})
    refused(client, "stock.lot", "find_serials", text=5)
    if client[1] == "json2":  # XML cannot carry a NUL
        refused(client, "stock.picking", "serial_scan_find_transfer", barcode="WH/IN/\x00")


def test_a_nul_in_a_serial_name_over_a_plain_create(server, transfers):
    picking_id, move_id = transfers["pickings"][1]
    refs = server.fixture["refs"]
    before = lines_of(picking_id)
    with pytest.raises(Refused) as caught:
        server.json2("e2e_stock_a").call("stock.move.line", "create", vals_list=[{
            "move_id": move_id, "picking_id": picking_id,
            "product_id": transfers["product_id"], "lot_name": "BAD\x00NAME", "quantity": 1,
            "location_id": refs["stock.stock_location_suppliers"],
            "location_dest_id": refs["stock.stock_location_stock"]}])
    message = str(caught.value)
    assert "BAD" in message and not any(text in message for text in INTERNALS), message
    assert lines_of(picking_id) == before


def test_serials_missing_reads_as_its_message_over_xmlrpc(server, transfers):
    picking_id, _move = transfers["pickings"][0]
    stock_a = server.xmlrpc("e2e_stock_a")
    with pytest.raises(Refused) as caught:  # its units have no serial yet
        stock_a.call("stock.picking", "button_validate", [picking_id])
    message = str(caught.value)
    assert not message.startswith("("), message
    assert "serial" in message.lower(), message


@pytest.mark.parametrize("ids", [[], "both", "missing"])
def test_the_answer_after_odoo_question_on_no_transfer_two_or_a_missing_one(
        client, transfers, ids):
    """serial_scan_after_question (issue 20): one existing transfer at a time."""
    if ids == "both":
        ids = [picking_id for picking_id, _move in transfers["pickings"]]
    elif ids == "missing":
        ids = [2_000_000_000]
    refused(client, "stock.picking", "serial_scan_after_question", ids)


def test_the_answer_after_odoo_question_is_not_validated_while_open(client, transfers):
    picking_id, _move = transfers["pickings"][0]
    message = refused(client, "stock.picking", "serial_scan_after_question", [picking_id])
    assert "was not validated" in message, message


def test_the_answer_after_odoo_question_for_another_company(server, transfers):
    picking_id, _move = transfers["pickings"][0]
    other_company = server.xmlrpc("e2e_stock_b"), "xmlrpc"
    refused(other_company, "stock.picking", "serial_scan_after_question", [picking_id])
