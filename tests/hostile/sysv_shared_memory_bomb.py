"""Hostile: fills System V shared memory segments, touched through a short attachment
each, so no process holds them in its address space; without an IPC namespace of the
worker's own they would outlive it on the host.

expect: fail
message: ran out of memory
"""

import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_PRIVATE, IPC_CREAT = 0, 0o1000
SIZE = 128 << 20


def square(x):
    while True:
        segment = libc.shmget(IPC_PRIVATE, ctypes.c_size_t(SIZE), IPC_CREAT | 0o600)
        if segment < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        address = libc.shmat(segment, None, 0)
        ctypes.memset(address, 1, SIZE)
        libc.shmdt(ctypes.c_void_p(address))


def numeric_gradient_square(x, h=1e-5):
    return square(x)
