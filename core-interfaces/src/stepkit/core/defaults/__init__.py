"""The core's default adapters: no server needed.

=====================  ==========  =========================  ==========================================
class                  registry    capabilities               scope
=====================  ==========  =========================  ==========================================
MemoryStateAdapter     memory      TTL, ATOMIC_UPDATE         instances on one MemoryBackend / store
FileStateAdapter       file        TTL, ATOMIC_UPDATE,        every process on one host sharing the
                                   CROSS_PROCESS              directory
MemoryStreamManager    memory      (none)                     instances on one MemoryBackend / store
FileStreamManager      file        (none)                     data: every process sharing the directory;
                                                              change events: this process
InProcessEventAdapter  inprocess   FIFO, DLQ, DELAY, DURABLE  instances on one MemoryBackend / store
LocalCronAdapter       local       FENCING                    instances on one MemoryBackend / store
=====================  ==========  =========================  ==========================================
"""

from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.file_streams import FileStreamManager
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.defaults.memory_backend import MemoryBackend, shared_backend
from stepkit.core.defaults.memory_state import MemoryStateAdapter
from stepkit.core.defaults.memory_streams import MemoryStreamManager

__all__ = [
    "FileStateAdapter",
    "FileStreamManager",
    "InProcessEventAdapter",
    "LocalCronAdapter",
    "MemoryBackend",
    "MemoryStateAdapter",
    "MemoryStreamManager",
    "shared_backend",
]
