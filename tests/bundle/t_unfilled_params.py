# stub.elf booted alone: its parameters were never filled by the bundler;
# it says so and stops.
from blib import *

expect_stub_error(stub_elf(), "native", [], "no_params")
