from . import serial_label
