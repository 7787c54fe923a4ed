"""Protocol conformance of the gopherlab kernel, with jupyter_kernel_test.

Run with the kernel installed (./install.sh) and Debian's
python3-jupyter-kernel-test:

    /usr/bin/python3 -m unittest -v test/jupyter/test_kernel.py

Every field is filled in, so no test may be skipped: ./test.sh fails on a skip.
"""

import unittest

import jupyter_kernel_test


class GopherlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gopherlab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "strings.ToU", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "fmt.Sprintl", "matches": {"Sprintln"}},
    ]

    complete_code_samples = ["1 + 1", "x := 3", "func f() int { return 1 }", 'import "fmt"']
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,\n2,", "s := `raw"]
    invalid_code_samples = ["}", "x := )", "func f() { ) }"]

    code_page_something = "fmt.Println?"

    code_generate_error = "undefinedName + 1"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
        {"code": "y := 2\ny * 21", "result": "42"},
    ]

    code_display_data = [
        {"code": 'import "github.com/gopherlab/gopherlab/kernel/display"\ndisplay.HTML("<b>hi</b>")', "mime": "text/html"},
        {"code": 'display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>`)', "mime": "image/svg+xml"},
        {"code": 'display.Markdown("# hi")', "mime": "text/markdown"},
    ]

    code_history_pattern = "6 * 7*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "strings.ToUpper"

    code_clear_output = 'import "github.com/gopherlab/gopherlab/kernel/display"\ndisplay.ClearOutput(false)'


if __name__ == "__main__":
    unittest.main()
