"""A stranger on a learner's port, for hub.sh: the spawner has just chosen a
port for a learner's server, and before that server can bind it another
learner's process does (what random_port's race did to a real learner at
N=20). It answers every request like another learner's Jupyter server: 404,
with that learner's name in X-Gopherlab-User.

    squatter.py PORT NAME
"""
import http.server
import sys

port, who = int(sys.argv[1]), sys.argv[2]


class Stranger(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = f'<link href="/user/{who}/static/style.css"><h1>404 : Not Found</h1>'.encode()
        self.send_response(404)
        self.send_header("X-Gopherlab-User", who)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = answer

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Stranger)
print("listening", flush=True)
server.serve_forever()
