// The upload page: files and whole folders dropped or picked are sent to /api/uploads
// in batches within the server's limits, each file with its own progress; each batch
// becomes a job on the server, whose progress and per-file results come back as
// Server-Sent Events. A file that fails (too large, refused, unreadable) is listed with
// its reason while the others go on. Also: a job's page refreshes itself when the job
// ends. Names from files are only ever set as text, never as HTML.
"use strict";

(function () {
  const uploader = document.getElementById("uploader");
  if (uploader) startUploader(uploader);
  const job = document.getElementById("job");
  if (job && job.dataset.finished === "0") watchJobPage(job);
})();

function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
  return bytes + " 字节";
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const RESULT_LABELS = {
  stored: "已入库",
  new_version: "新版本",
  other_source: "同一报告的另一来源",
  unchanged: "未变（此前已入库）",
  failed: "失败",
  refused: "被拒绝",
};

function startUploader(root) {
  const maxFiles = Number(root.dataset.maxFiles);
  const maxBytes = Number(root.dataset.maxBytes);
  const fileBytes = Number(root.dataset.fileBytes);
  const extensions = new Set(root.dataset.extensions.split(","));
  const drop = document.getElementById("drop");
  const queueList = document.getElementById("queue");
  const summary = document.getElementById("summary");
  const pending = [];
  const all = [];
  let sending = false;

  // A folder's other files (images, notes) are not reports, as for `gongkai ingest`.
  function isReport(name) {
    const dot = name.lastIndexOf(".");
    return dot > 0 && extensions.has(name.slice(dot + 1).toLowerCase());
  }
  function hidden(path) {
    return path.split("/").some((part) => part.startsWith("."));
  }

  function add(file, path, fromFolder) {
    if (fromFolder && (hidden(path) || !isReport(file.name))) return;
    const item = { file, path, state: "waiting" };
    item.row = el("li", "file");
    item.row.append(el("span", "name", path), el("span", "size", sizeText(file.size)));
    item.bar = el("progress");
    item.bar.max = 1;
    item.bar.value = 0;
    item.status = el("span", "status", "等待上传");
    item.detail = el("div", "detail");
    item.row.append(item.bar, item.status, item.detail);
    queueList.append(item.row);
    all.push(item);
    if (file.size > fileBytes) {
      fail(item, "超过单个文件 " + sizeText(fileBytes) + " 上限，未上传");
    } else {
      pending.push(item);
    }
  }

  function setStatus(item, state, text) {
    item.state = state;
    item.row.className = "file " + state;
    item.status.textContent = text;
  }

  function fail(item, reason) {
    setStatus(item, "bad", "失败");
    item.bar.value = item.bar.max;
    item.detail.textContent = reason;
    updateSummary();
  }

  function updateSummary() {
    const count = (s) => all.filter((i) => i.state === s).length;
    summary.textContent =
      "共 " + all.length + " 个文件：等待或上传中 " + (count("waiting") + count("sending")) +
      "，读取中 " + count("reading") + "，完成 " + count("good") + "，失败或被拒绝 " + count("bad");
  }

  function showResult(item, result) {
    if (!result) {
      fail(item, "任务结束时没有这个文件的结果");
      return;
    }
    const bad = result.status === "failed" || result.status === "refused";
    setStatus(item, bad ? "bad" : "good", RESULT_LABELS[result.status] || result.status);
    item.detail.textContent = "";
    if (result.report_id !== null && result.report_id !== undefined) {
      const link = el("a", null, "报告 #" + result.report_id);
      link.href = "/reports/" + result.report_id;
      if (result.agency) {
        link.textContent += "（" + result.agency + (result.year ? " " + result.year + " 年" : "") + "）";
      }
      item.detail.append(link);
    }
    if (result.reason) item.detail.append(el("div", "reason", result.reason));
  }

  // Progress and results of the job a batch became.
  function watch(jobId, batch) {
    const events = new EventSource("/api/jobs/" + jobId + "/events");
    events.addEventListener("progress", (e) => {
      const job = JSON.parse(e.data);
      for (const item of batch) {
        if (item.state === "reading") {
          item.status.textContent = job.status_label + "：" + job.message;
        }
      }
    });
    events.addEventListener("job", (e) => {
      events.close();
      const job = JSON.parse(e.data);
      batch.forEach((item, i) => showResult(item, job.files[i] && job.files[i].result));
      if (job.status === "failed") {
        for (const item of batch) {
          if (item.state !== "bad" && item.state !== "good") fail(item, job.message);
        }
      }
      updateSummary();
    });
    events.addEventListener("error", (e) => {
      // A message from the server ends the stream; otherwise the browser reconnects.
      if (e.data) {
        events.close();
        for (const item of batch) fail(item, e.data);
      }
    });
  }

  function nextBatch() {
    const batch = [];
    let bytes = 0;
    while (pending.length > 0 && batch.length < maxFiles) {
      const size = pending[0].file.size;
      if (batch.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      batch.push(pending.shift());
    }
    return batch;
  }

  function send() {
    if (sending) return;
    const batch = nextBatch();
    if (batch.length === 0) return;
    sending = true;
    const form = new FormData();
    for (const item of batch) {
      form.append("files", item.file, item.file.name);
      setStatus(item, "sending", "上传中");
    }
    updateSummary();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.addEventListener("progress", (e) => {
      // The request carries the files in order: each file's share of the bytes sent.
      let start = 0;
      for (const item of batch) {
        const size = item.file.size || 1;
        item.bar.value = Math.max(0, Math.min(1, (e.loaded - start) / size));
        start += item.file.size;
      }
    });
    const done = () => {
      sending = false;
      updateSummary();
      send();
    };
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (_) {
        body = null;
      }
      if (xhr.status === 202 && body) {
        for (const item of batch) {
          item.bar.value = 1;
          setStatus(item, "reading", "已上传，等待读取");
          const link = el("a", null, "任务 #" + body.id);
          link.href = "/upload/jobs/" + body.id;
          item.detail.replaceChildren(link);
        }
        watch(body.id, batch);
      } else {
        const reason = body && body.error ? body.error.message : "上传失败（HTTP " + xhr.status + "）";
        for (const item of batch) fail(item, reason);
      }
      done();
    });
    xhr.addEventListener("error", () => {
      for (const item of batch) fail(item, "网络错误，未能上传");
      done();
    });
    xhr.send(form);
  }

  // Every file under a dropped folder (entries are read in batches until none are left).
  function walk(entry, path, out) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file(
          (file) => {
            out.push({ file, path: path + file.name });
            resolve();
          },
          () => resolve()
        );
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const children = [];
        const more = () =>
          reader.readEntries(
            (entries) => {
              if (entries.length === 0) {
                Promise.all(children.map((c) => walk(c, path + entry.name + "/", out))).then(() => resolve());
              } else {
                children.push(...entries);
                more();
              }
            },
            () => resolve()
          );
        more();
      } else {
        resolve();
      }
    });
  }

  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const items = e.dataTransfer.items;
    const entries = [];
    if (items && items.length > 0 && items[0].webkitGetAsEntry) {
      for (const item of items) {
        const entry = item.kind === "file" ? item.webkitGetAsEntry() : null;
        if (entry) entries.push(entry);
      }
    }
    if (entries.length > 0) {
      for (const entry of entries) {
        const found = [];
        await walk(entry, "", found);
        found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        for (const f of found) add(f.file, f.path, entry.isDirectory);
      }
    } else {
      for (const file of e.dataTransfer.files) add(file, file.name, false);
    }
    updateSummary();
    send();
  });

  document.getElementById("pick-files").addEventListener("change", (e) => {
    for (const file of e.target.files) add(file, file.name, false);
    e.target.value = "";
    updateSummary();
    send();
  });
  document.getElementById("pick-folder").addEventListener("change", (e) => {
    const files = Array.from(e.target.files);
    files.sort((a, b) => (a.webkitRelativePath < b.webkitRelativePath ? -1 : 1));
    for (const file of files) add(file, file.webkitRelativePath || file.name, true);
    e.target.value = "";
    updateSummary();
    send();
  });
}

// A running job's page: its line kept current, and the page reloaded (with every file's
// result) once it has ended.
function watchJobPage(section) {
  const id = section.dataset.jobId;
  const events = new EventSource("/api/jobs/" + id + "/events");
  events.addEventListener("progress", (e) => {
    const job = JSON.parse(e.data);
    document.getElementById("job-status").textContent = job.status_label;
    document.getElementById("job-progress").textContent = job.done + " / " + job.total;
    document.getElementById("job-message").textContent = job.message;
  });
  events.addEventListener("job", () => {
    events.close();
    window.location.reload();
  });
  events.addEventListener("error", (e) => {
    if (e.data) {
      events.close();
      document.getElementById("job-message").textContent = e.data;
    }
  });
}
