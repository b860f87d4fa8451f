/* Evidence upload: several files at once, drag-and-drop, the phone camera; one progress bar per
   file (XMLHttpRequest upload progress); a failed file can be tried again without choosing it
   again. Files go one after another to the form's action, as multipart with the form's kind and
   description. Without JavaScript the form posts normally. */
(function () {
  "use strict";

  function text(form, key) {
    return form.getAttribute("data-text-" + key) || key;
  }

  function sizeLabel(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function serverMessage(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (typeof body.message === "string") return body.message;
      if (typeof body.detail === "string") return body.detail;
      if (body.error && typeof body.error.message === "string") return body.error.message;
      if (body.errors && body.errors.length) return String(body.errors[0].message || body.errors[0]);
    } catch (e) {
      /* not JSON */
    }
    return "";
  }

  function Uploader(form) {
    this.form = form;
    this.queue = form.querySelector("[data-queue]");
    this.items = [];
    this.busy = false;
    var self = this;
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].addEventListener("change", function (event) {
        self.add(event.target.files);
        event.target.value = "";
      });
    }
    var zone = form.querySelector("[data-dropzone]");
    if (zone) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("dragging");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.remove("dragging");
        });
      });
      zone.addEventListener("drop", function (event) {
        if (event.dataTransfer && event.dataTransfer.files) self.add(event.dataTransfer.files);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
  }

  Uploader.prototype.add = function (files) {
    for (var i = 0; i < files.length; i++) {
      var item = {
        file: files[i],
        kind: this.form.elements.kind ? this.form.elements.kind.value : "",
        description: this.form.elements.description ? this.form.elements.description.value : "",
        state: "waiting",
      };
      this.render(item);
      this.items.push(item);
    }
    this.next();
  };

  Uploader.prototype.render = function (item) {
    var form = this.form;
    var li = document.createElement("li");
    li.className = "upload-item";
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = item.file.name + " (" + sizeLabel(item.file.size) + ")";
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = text(form, "waiting");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", item.file.name);
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "button secondary small";
    retry.textContent = text(form, "retry");
    retry.hidden = true;
    var self = this;
    retry.addEventListener("click", function () {
      item.state = "waiting";
      self.show(item);
      self.next();
    });
    li.appendChild(name);
    li.appendChild(state);
    li.appendChild(bar);
    li.appendChild(retry);
    this.queue.appendChild(li);
    item.node = { li: li, state: state, bar: bar, retry: retry };
  };

  Uploader.prototype.show = function (item, message) {
    var node = item.node;
    node.li.className = "upload-item " + item.state;
    node.retry.hidden = item.state !== "failed";
    var label = text(this.form, item.state === "failed" ? "failed" : item.state);
    node.state.textContent = message ? label + ": " + message : label;
    if (item.state === "waiting") node.bar.value = 0;
    if (item.state === "done") node.bar.value = 100;
  };

  Uploader.prototype.next = function () {
    if (this.busy) return;
    var item = null;
    for (var i = 0; i < this.items.length; i++) {
      if (this.items[i].state === "waiting") {
        item = this.items[i];
        break;
      }
    }
    if (!item) {
      this.finished();
      return;
    }
    this.send(item);
  };

  Uploader.prototype.finished = function () {
    var done = this.items.filter(function (i) { return i.state === "done"; }).length;
    var note = this.form.querySelector("[data-finished]");
    if (note && done && done === this.items.length) {
      note.hidden = false;
    }
  };

  Uploader.prototype.send = function (item) {
    var self = this;
    var form = this.form;
    this.busy = true;
    item.state = "uploading";
    this.show(item);
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("kind", item.kind);
    data.append("description", item.description);
    data.append("file", item.file, item.file.name);
    var xhr = new XMLHttpRequest();
    var url = form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + "kind=" + encodeURIComponent(item.kind);
    xhr.open("POST", url);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", form.elements.csrfmiddlewaretoken.value);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) item.node.bar.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", function () {
      self.busy = false;
      if (xhr.status >= 200 && xhr.status < 300) {
        item.state = "done";
        self.show(item);
      } else {
        item.state = "failed";
        self.show(item, serverMessage(xhr) || String(xhr.status));
      }
      self.next();
    });
    xhr.addEventListener("error", function () {
      self.busy = false;
      item.state = "failed";
      self.show(item, text(form, "network"));
      self.next();
    });
    xhr.send(data);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) new Uploader(forms[i]);
  });
})();
