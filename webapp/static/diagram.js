// The case diagram viewer (templates/_diagram.html): zoom by the toolbar, Ctrl+wheel (a trackpad pinch sends the
// same) and the keys + - 0; pan by dragging, the scrollbars and the arrow keys; fit to width; full screen; and the
// lane names mirrored into a column at the left once the drawing's own scroll out of view. Without this script the
// figure shows the server's SVG at the model's own size in a frame that scrolls both ways.
(function () {
  "use strict";
  const STEP = 1.25;       // one button press, key press or wheel notch
  const MAX_SCALE = 4;
  const MIN_SCALE = 0.25;  // or less when that is what fitting the width takes
  const PAN = 80;          // CSS px per arrow key press
  const LANE_COLUMN = 28;  // CSS px of one column of lane names (.diagram-lane's 1.75rem)

  // A lane's name as drawn: the lines of its <text>, joined with a space only between two Latin words.
  function nameOf(text) {
    const lines = Array.from(text.querySelectorAll("tspan"), (span) => span.textContent);
    return lines.reduce((name, line) => (/[\x21-\x7e]$/.test(name) && /^[\x21-\x7e]/.test(line)
      ? name + " " + line : name + line), "");
  }

  function contains(outer, inner) {
    return outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.width >= inner.x + inner.width
      && outer.y + outer.height >= inner.y + inner.height;
  }

  class DiagramViewer {
    constructor(figure, svg) {
      this.figure = figure;
      this.scroller = figure.querySelector(".diagram-scroll");
      this.svg = svg;
      this.box = svg.viewBox.baseVal;
      this.level = figure.querySelector(".diagram-zoom-level");
      this.fullButton = figure.querySelector("button[data-zoom=fullscreen]");
      this.scale = 1;
      this.drag = null;
      this.lanes = this.mirrorLanes();
      figure.querySelector(".diagram-toolbar").hidden = false;
      figure.classList.add("diagram-enhanced");
      this.listen();
      this.zoomTo(1);
    }

    // Zoom to ``scale`` keeping the point at (x, y) of the frame (its middle by default) where it is.
    zoomTo(scale, x, y) {
      const frame = this.scroller;
      const atX = x === undefined ? frame.clientWidth / 2 : x;
      const atY = y === undefined ? frame.clientHeight / 2 : y;
      const pointX = (frame.scrollLeft + atX) / this.scale;
      const pointY = (frame.scrollTop + atY) / this.scale;
      const smallest = Math.min(MIN_SCALE, frame.clientWidth / this.box.width);
      this.scale = Math.min(MAX_SCALE, Math.max(smallest, scale));
      this.svg.style.width = this.box.width * this.scale + "px";
      this.svg.style.height = this.box.height * this.scale + "px";
      frame.scrollLeft = pointX * this.scale - atX;
      frame.scrollTop = pointY * this.scale - atY;
      this.level.textContent = Math.round(this.scale * 100) + " %";
      this.placeLanes();
    }

    fitWidth() {
      this.zoomTo(this.scroller.clientWidth / this.box.width, 0, 0);
    }

    // Where an event happened inside the frame's visible area, in CSS px from its top left corner.
    pointIn(event) {
      const rect = this.scroller.getBoundingClientRect();
      return {x: event.clientX - rect.left - this.scroller.clientLeft, y: event.clientY - rect.top - this.scroller.clientTop};
    }

    listen() {
      const frame = this.scroller;
      this.figure.querySelector(".diagram-toolbar").addEventListener("click", (event) => {
        const button = event.target.closest("button[data-zoom]");
        const actions = {
          in: () => this.zoomTo(this.scale * STEP), out: () => this.zoomTo(this.scale / STEP),
          reset: () => this.zoomTo(1), fit: () => this.fitWidth(), fullscreen: () => this.toggleFullScreen(),
        };
        if (button && actions[button.dataset.zoom]) {
          actions[button.dataset.zoom]();
        }
      });
      // Ctrl+wheel zooms; the plain wheel scrolls the frame and, at its edge, the page, so the page never gets stuck.
      frame.addEventListener("wheel", (event) => {
        if (!event.ctrlKey && !event.metaKey) {
          return;
        }
        event.preventDefault();
        const pixels = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
        const factor = Math.pow(STEP, Math.max(-2, Math.min(2, -pixels / 100)));
        const at = this.pointIn(event);
        this.zoomTo(this.scale * factor, at.x, at.y);
      }, {passive: false});
      frame.addEventListener("keydown", (event) => this.key(event));
      document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && this.fullScreen()) {
          this.toggleFullScreen();
        }
      });
      frame.addEventListener("pointerdown", (event) => this.startDrag(event));
      frame.addEventListener("pointermove", (event) => {
        if (this.drag && event.pointerId === this.drag.id) {
          frame.scrollLeft = this.drag.left - (event.clientX - this.drag.x);
          frame.scrollTop = this.drag.top - (event.clientY - this.drag.y);
        }
      });
      const stop = () => {
        this.drag = null;
        frame.classList.remove("dragging");
      };
      ["pointerup", "pointercancel", "lostpointercapture"].forEach((type) => frame.addEventListener(type, stop));
      frame.addEventListener("scroll", () => this.placeLanes(), {passive: true});
      document.addEventListener("fullscreenchange", () => this.showFullScreen());
      if (window.ResizeObserver) {
        new ResizeObserver(() => this.placeLanes()).observe(frame);
      }
    }

    key(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;  // the browser's own zoom and shortcuts
      }
      const pans = {ArrowLeft: [-PAN, 0], ArrowRight: [PAN, 0], ArrowUp: [0, -PAN], ArrowDown: [0, PAN]};
      if (pans[event.key]) {
        this.scroller.scrollBy(pans[event.key][0], pans[event.key][1]);
      } else if (event.key === "+" || event.key === "=") {
        this.zoomTo(this.scale * STEP);
      } else if (event.key === "-" || event.key === "_") {
        this.zoomTo(this.scale / STEP);
      } else if (event.key === "0") {
        this.zoomTo(1);
      } else {
        return;
      }
      event.preventDefault();
    }

    startDrag(event) {
      const at = this.pointIn(event);
      // Fingers scroll the frame natively; a press on a scrollbar is the scrollbar's.
      if (event.button !== 0 || event.pointerType === "touch"
          || at.x >= this.scroller.clientWidth || at.y >= this.scroller.clientHeight) {
        return;
      }
      this.drag = {id: event.pointerId, x: event.clientX, y: event.clientY,
                   left: this.scroller.scrollLeft, top: this.scroller.scrollTop};
      this.scroller.setPointerCapture(event.pointerId);
      this.scroller.classList.add("dragging");
      this.scroller.focus({preventScroll: true});
      event.preventDefault();  // no text selection while dragging
    }

    fullScreen() {
      return document.fullscreenElement === this.figure || this.figure.classList.contains("is-fullscreen");
    }

    toggleFullScreen() {
      if (document.fullscreenElement === this.figure) {
        document.exitFullscreen();
      } else if (this.figure.classList.contains("is-fullscreen")) {
        this.fallbackFullScreen(false);
      } else if (document.fullscreenEnabled && this.figure.requestFullscreen) {
        this.figure.requestFullscreen().catch(() => this.fallbackFullScreen(true));
      } else {
        this.fallbackFullScreen(true);
      }
    }

    // Where the Fullscreen API is missing or refused, the figure covers the window instead.
    fallbackFullScreen(on) {
      this.figure.classList.toggle("is-fullscreen", on);
      document.documentElement.classList.toggle("diagram-fullscreen-open", on);
      this.showFullScreen();
    }

    showFullScreen() {
      this.fullButton.setAttribute("aria-pressed", String(this.fullScreen()));
      this.placeLanes();
    }

    // The lanes (and pools) named at their left edge, each mirrored into a label of the column over the frame.
    mirrorLanes() {
      const bands = [];
      this.svg.querySelectorAll("g.bpmn-participant, g.bpmn-lane").forEach((group) => {
        const rect = group.querySelector(":scope > rect");
        const text = group.querySelector(":scope > text");
        if (!rect || !text || !/^rotate\(-90/.test(text.getAttribute("transform") || "")) {
          return;  // unnamed, or a lane drawn top to bottom with its name above
        }
        const band = {x: rect.x.baseVal.value, y: rect.y.baseVal.value,
                      width: rect.width.baseVal.value, height: rect.height.baseVal.value};
        band.label = document.createElement("div");
        band.label.className = "diagram-lane";
        band.label.textContent = nameOf(text);
        bands.push(band);
      });
      if (!bands.length) {
        return null;
      }
      const column = document.createElement("div");
      column.className = "diagram-lanes";
      column.setAttribute("aria-hidden", "true");  // the drawing's own <text> and <title> already name them
      column.hidden = true;
      bands.forEach((band) => {
        band.depth = bands.filter((other) => other !== band && contains(other, band)).length;
        column.appendChild(band.label);
      });
      this.scroller.parentNode.appendChild(column);
      column.style.width = (Math.max(...bands.map((band) => band.depth)) + 1) * LANE_COLUMN + "px";
      return {column: column, bands: bands, left: Math.min(...bands.map((band) => band.x))};
    }

    placeLanes() {
      if (!this.lanes) {
        return;
      }
      const frame = this.scroller;
      const {column, bands, left} = this.lanes;
      column.hidden = frame.scrollLeft <= (left - this.box.x) * this.scale + 4;
      if (column.hidden) {
        return;
      }
      column.style.height = frame.clientHeight + "px";
      bands.forEach((band) => {
        // Only the part of the lane in view, so that its name stays readable while the lane scrolls past.
        const top = (band.y - this.box.y) * this.scale - frame.scrollTop;
        const shownTop = Math.max(top, 0);
        const shownBottom = Math.min(top + band.height * this.scale, frame.clientHeight);
        band.label.hidden = shownBottom - shownTop < 4;
        band.label.style.left = band.depth * LANE_COLUMN + "px";
        band.label.style.top = shownTop + "px";
        band.label.style.height = shownBottom - shownTop + "px";
      });
    }
  }

  document.querySelectorAll("figure.diagram-viewer:not(.diagram-enhanced)").forEach((figure) => {
    const svg = figure.querySelector(".diagram-scroll > svg");
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width > 0) {
      new DiagramViewer(figure, svg);
    }
  });
}());
